"""Beat moves the forums through their cycle: what the clock itself is evidence of.

:func:`advance` (``registration.advance_cycle``, every ``CYCLE_TICK_SECONDS``) records, for open
forums (never a cancelled forum nor a targeted session):

* **registration closed** once its close time (or the start) passed, with the counts by mode;
* **held**: a published forum that has ended is marked HELD and its ``event`` milestone recorded
  with how many were registered and checked in;
* **recording expired** once the recording has shown for its series' viewing days;

and then emails the responsible roles their milestones that fall due soon or are late
(:mod:`.notices`). Two runs at once do each thing once: the forum is claimed by the conditional
UPDATE that marks it held, and the milestones are read with SKIP LOCKED on PostgreSQL (on SQLite
a second run can only write the same facts again, and it never emails: the notices have their own
claims). Flush only; the task commits.
"""

import sqlalchemy as sa

from services.registration import queries
from services.registration.cycle import milestones, notices, numbers
from services.registration.cycle.models import Milestone, MilestoneKey
from services.registration.models import (
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
    db,
)
from shared.db import utcnow

K = MilestoneKey
#: forums the clock moves: announced and not cancelled
OPEN_STATUSES = (EventStatus.PUBLISHED, EventStatus.HELD)


def advance(now=None):
    """One tick of the cycle at ``now``; returns {what: how many}."""
    now = now or utcnow()
    return {"registration_closed": close_registrations(now), "held": mark_held(now),
            "recording_expired": expire_recordings(now), "notices": notices.send_due(now)}


def _not_done(key):
    """Events whose milestone ``key`` is not recorded done (or has no row yet)."""
    done = sa.select(Milestone.event_id).where(Milestone.key == key,
                                               Milestone.done_at.is_not(None))
    return Event.id.not_in(done)


def _open_forums(*where):
    """The open forums matching ``where``, by id; locked with SKIP LOCKED on PostgreSQL."""
    query = (sa.select(Event).where(Event.kind == EventKind.FORUM,
                                    Event.status.in_(OPEN_STATUSES), *where)
             .order_by(Event.id).execution_options(populate_existing=True))
    if db.is_postgresql():
        query = query.with_for_update(of=Event, skip_locked=True)
    return db.session.scalars(query).all()


def close_registrations(now):
    """Record ``registration_closes`` of each forum whose registration has closed; how many."""
    closes = sa.func.coalesce(Event.registration_closes_at, Event.starts_at)
    forums = _open_forums(closes <= now, _not_done(K.REGISTRATION_CLOSES))
    counts = queries.counts_by_event([forum.id for forum in forums])
    for forum in forums:
        milestones.record(forum, K.REGISTRATION_CLOSES,
                          at=forum.registration_closes_at or forum.starts_at,
                          evidence=counts[forum.id])
    return len(forums)


def mark_held(now):
    """Mark each published forum that has ended HELD and record it held; returns how many."""
    due = sa.select(Event.id).where(Event.kind == EventKind.FORUM,
                                    Event.status == EventStatus.PUBLISHED, Event.ends_at <= now)
    if db.is_postgresql():
        due = due.with_for_update(skip_locked=True)
    claimed = db.session.scalars(
        sa.update(Event).where(Event.id.in_(due.scalar_subquery()),
                               Event.status == EventStatus.PUBLISHED)
        .values(status=EventStatus.HELD).returning(Event.id)
        .execution_options(synchronize_session=False)).all()
    if not claimed:
        return 0
    forums = db.session.scalars(sa.select(Event).where(Event.id.in_(claimed)).order_by(Event.id)
                                .execution_options(populate_existing=True)).all()
    attendance = _attendance(claimed)
    for forum in forums:
        milestones.record(forum, K.EVENT, at=forum.ends_at, evidence=attendance[forum.id])
    return len(forums)


def _attendance(event_ids):
    """{event id: {"registered", "checked_in"}}: confirmed registrations and who came."""
    rows = db.session.execute(
        sa.select(Registration.event_id, sa.func.count(Registration.id),
                  sa.func.count(Registration.checked_in_at))
        .where(Registration.event_id.in_(event_ids),
               Registration.status == RegistrationStatus.CONFIRMED)
        .group_by(Registration.event_id))
    found = {event_id: {"registered": registered, "checked_in": checked_in}
             for event_id, registered, checked_in in rows}
    return {event_id: found.get(event_id, {"registered": 0, "checked_in": 0})
            for event_id in event_ids}


def expire_recordings(now):
    """Record ``recording_expired`` of each forum whose recording's viewing days passed."""
    forums = _open_forums(Event.recording_published_at.is_not(None),
                          Event.recording_published_at <= now, _not_done(K.RECORDING_EXPIRED))
    expired = 0
    for forum in forums:
        visible = numbers.of_event(forum).recording_visible
        if forum.recording_published_at + visible > now:
            continue
        milestones.record(forum, K.RECORDING_EXPIRED, at=forum.recording_published_at + visible,
                          evidence={"recording_published_at":
                                    forum.recording_published_at.isoformat(),
                                    "visible_days": visible.days})
        expired += 1
    return expired
