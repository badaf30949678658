"""Follow-ups: how each agenda item's matter is handled, kept up to date after publication.

A follow-up changes without a new review, also after publication; every change is logged
(who, when, before and after) and noted in the memo's history. Flush only.
"""

import datetime as dt

from services.memo import history
from services.memo.errors import NotAllowed
from services.memo.models import FollowUpUpdate, Memo, db
from shared.auth import Role

FIELDS = ("handling_body", "handled_on", "outcome", "decision_url")


def _plain(value):
    """A value as the log stores it (dates as ISO strings)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def update(follow_up, data, actor):
    """Change the follow-up's fields given in ``data``; returns the log entry, or None if nothing
    changed. Only a secretary updates follow-ups."""
    if not actor.has_role(Role.SECRETARY):
        raise NotAllowed()
    changes = {name: [_plain(getattr(follow_up, name)), _plain(data[name])]
               for name in FIELDS if name in data and getattr(follow_up, name) != data[name]}
    if not changes:
        return None
    for name in changes:
        setattr(follow_up, name, data[name])
    memo = db.session.get(Memo, follow_up.memo_id)
    entry = FollowUpUpdate(follow_up_id=follow_up.id, changes=changes,
                           after_publication=bool(memo.publications), changed_by_id=actor.id,
                           changed_by_name=actor.name)
    db.session.add(entry)
    history.record(memo, "follow_up_updated", actor, note=follow_up.agenda_item.title)
    return entry
