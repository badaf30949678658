"""The start of a forum's commenting: when its topics open, tell registration's milestones.

A topic's window opens at its forum's start (:mod:`topics`), by the clock alone. So
:func:`open_due_forums` (run by beat with the closing, :mod:`closing`) finds the forums with a
live topic whose window has opened and that were not yet announced as open (nor cancelled), and
writes one ``feedback.window_opened`` message per forum in the same transaction whose
conditional UPDATE stamps ``Forum.window_opened_at``: the message goes out exactly once, even
when two runs meet. Flush only.
"""

import sqlalchemy as sa

from services.feedback import topics
from services.feedback.models import Forum, OutboxMessage, Topic, db
from shared.contracts import events
from shared.db import utcnow
from shared.outbox import emit


def _claim(now):
    """Stamp the forums owed a message (a live topic open by ``now``, not yet announced as open,
    not cancelled) in one conditional UPDATE; returns them. A second run at once claims none of
    them again (on PostgreSQL it skips the rows the first holds)."""
    opened = sa.select(Topic.forum_id).where(Topic.withdrawn.is_(False), Topic.opens_at <= now)
    owed = sa.select(Forum.id).where(Forum.window_opened_at.is_(None),
                                     Forum.cancelled_at.is_(None), Forum.id.in_(opened))
    if db.is_postgresql():
        owed = owed.with_for_update(of=Forum, skip_locked=True)
    ids = db.session.scalars(
        sa.update(Forum).where(Forum.id.in_(owed.scalar_subquery()),
                               Forum.window_opened_at.is_(None))
        .values(window_opened_at=now).returning(Forum.id)
        .execution_options(synchronize_session=False)).all()
    if not ids:
        return []
    return db.session.scalars(sa.select(Forum).where(Forum.id.in_(ids)).order_by(Forum.id)
                              .execution_options(populate_existing=True)).all()


def _announce(forum):
    """Write the forum's message: when its first live topic opened, and how many are live."""
    live = topics.live(forum)
    emit(db.session, OutboxMessage, events.FEEDBACK_WINDOW_OPENED, event_id=forum.id,
         opened_at=min((t.opens_at for t in live), default=forum.starts_at).isoformat(),
         topics=len(live))


def open_due_forums(now=None):
    """Announce every forum whose comments have opened; returns their ids."""
    forums = _claim(now or utcnow())
    for forum in forums:
        _announce(forum)
    db.session.flush()
    return [forum.id for forum in forums]
