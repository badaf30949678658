"""Follow-ups: how each agenda item's matter is handled, kept up to date after publication.

A follow-up changes without a new review, also after publication; every change is logged
(who, when, before and after) and noted in the memo's history. Flush only.
"""

import datetime as dt

from services.memo import history, links
from services.memo.errors import NotAllowed
from services.memo.models import FollowUpUpdate, Memo, OutboxMessage, db
from shared.auth import Role
from shared.contracts import events
from shared.outbox import emit

FIELDS = ("handling_body", "handled_on", "outcome", "decision_url")


def _plain(value):
    """A value as the log stores it (dates as ISO strings)."""
    return value.isoformat() if isinstance(value, dt.date) else value


def update(follow_up, data, actor):
    """Change the follow-up's fields given in ``data``; returns the log entry, or None if nothing
    changed. Only a secretary updates follow-ups. An update of a published memo's follow-up
    writes ``memo.follow_up_updated`` (notify tells the publication's recipients)."""
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
    if memo.publication is not None:
        _announce(memo, follow_up)
    return entry


def _announce(memo, follow_up):
    """Write ``memo.follow_up_updated`` with the follow-up as it now is, for the publication."""
    emit(db.session, OutboxMessage, events.MEMO_FOLLOW_UP_UPDATED, memo_id=memo.id,
         event_id=memo.forum_id, publication_id=memo.publication.id, title=memo.forum.title,
         agenda_item_title=follow_up.agenda_item.title, handling_body=follow_up.handling_body,
         handled_on=_plain(follow_up.handled_on), outcome=follow_up.outcome,
         decision_url=follow_up.decision_url, url=links.memo_url(memo.id), locale=memo.locale)
