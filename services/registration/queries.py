"""Read-only questions about events and registrations."""

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from services.registration.models import (
    AgendaItem,
    AttendanceMode,
    ChangeAction,
    Event,
    EventChange,
    EventKind,
    EventStatus,
    Invitation,
    Registration,
    RegistrationStatus,
    db,
)
from shared.db import utcnow
from shared.validators import CONTROL

#: options of ``Session.get`` that load an event's agenda and each item's material list with it:
#: two queries in all, instead of one more per agenda item when a page or schema walks them
WITH_AGENDA = (selectinload(Event.agenda_items).selectinload(AgendaItem.materials),)
#: an event's registration questions in the same query as the event (the form loads them)
WITH_QUESTIONS = (joinedload(Event.questions),)
#: ``Session.info`` key of the waiting-list positions counted since the session last flushed
WAITLIST_POSITIONS = "registration.waitlist_positions"


def agenda(event_id):
    """The event's agenda items in order, each with its background documents (two queries)."""
    return db.session.scalars(
        sa.select(AgendaItem).where(AgendaItem.event_id == event_id)
        .order_by(AgendaItem.position, AgendaItem.id).options(selectinload(AgendaItem.materials))
    ).all()


def count_registrations(event_id, mode, status):
    """How many registrations of ``event_id`` are in ``mode`` and ``status``."""
    return db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == event_id,
            Registration.attendance_mode == mode,
            Registration.status == status,
        )
    )


def onsite_confirmed(event_id):
    """Confirmed on-site registrations: the seats taken."""
    return count_registrations(event_id, AttendanceMode.ONSITE, RegistrationStatus.CONFIRMED)


def seats_left(event):
    """On-site seats still free (never negative)."""
    return max(event.onsite_capacity - onsite_confirmed(event.id), 0)


def counts_by_event(event_ids):
    """{event_id: {"onsite_confirmed", "onsite_waitlisted", "remote_registered"}} in one query."""
    counts = {eid: {"onsite_confirmed": 0, "onsite_waitlisted": 0, "remote_registered": 0}
              for eid in event_ids}
    if not event_ids:
        return counts
    rows = db.session.execute(
        sa.select(Registration.event_id, Registration.attendance_mode, Registration.status,
                  sa.func.count(Registration.id))
        .where(Registration.event_id.in_(event_ids),
               Registration.status != RegistrationStatus.CANCELLED)
        .group_by(Registration.event_id, Registration.attendance_mode, Registration.status)
    )
    for event_id, mode, status, n in rows:
        if mode == AttendanceMode.REMOTE:
            counts[event_id]["remote_registered"] += n
        elif status == RegistrationStatus.CONFIRMED:
            counts[event_id]["onsite_confirmed"] = n
        else:
            counts[event_id]["onsite_waitlisted"] = n
    return counts


def waitlist_position(registration):
    """1 for the first in line; None if the registration is not waitlisted.

    Asked again in the same session (the email, then the answer), the position is counted once:
    it is kept until the session next flushes or rolls back, and not used while it holds
    unflushed changes.
    """
    if registration.status != RegistrationStatus.WAITLISTED:
        return None
    session = db.session()
    key = (registration.id, registration.waitlisted_at)
    clean = not (session.new or session.dirty or session.deleted)
    if clean and key in session.info.get(WAITLIST_POSITIONS, {}):
        return session.info[WAITLIST_POSITIONS][key]
    position = _count_ahead(registration) + 1  # flushes first when there are changes
    session.info.setdefault(WAITLIST_POSITIONS, {})[key] = position
    return position


def _count_ahead(registration):
    """How many on-site registrations of the event are in line before ``registration``."""
    return db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == registration.event_id,
            Registration.attendance_mode == AttendanceMode.ONSITE,
            Registration.status == RegistrationStatus.WAITLISTED,
            sa.or_(
                Registration.waitlisted_at < registration.waitlisted_at,
                sa.and_(Registration.waitlisted_at == registration.waitlisted_at,
                        Registration.id < registration.id),
            ),
        )
    )


@sa.event.listens_for(db._session_factory, "after_flush")
def _forget_positions(session, _context):
    """A flush may move people in line: positions are counted again after it."""
    session.info.pop(WAITLIST_POSITIONS, None)


@sa.event.listens_for(db._session_factory, "after_soft_rollback")
def _forget_positions_rolled_back(session, _transaction):
    """So may a rollback (of what was flushed): positions are counted again after it."""
    session.info.pop(WAITLIST_POSITIONS, None)


def first_waitlisted(event_id):
    """The on-site registration first in line, or None."""
    return db.session.scalar(
        sa.select(Registration)
        .where(Registration.event_id == event_id,
               Registration.attendance_mode == AttendanceMode.ONSITE,
               Registration.status == RegistrationStatus.WAITLISTED)
        .order_by(Registration.waitlisted_at, Registration.id)
        .limit(1)
    )


def public_events(upcoming_only=False):
    """Published open forums, soonest first (targeted sessions are never listed)."""
    query = sa.select(Event).where(Event.status.in_([EventStatus.PUBLISHED, EventStatus.HELD]),
                                   Event.kind == EventKind.FORUM)
    if upcoming_only:
        query = query.where(Event.ends_at >= utcnow())
    return db.session.scalars(query.order_by(Event.starts_at)).all()


def active_registration(event_id, email):
    """The registration of ``email`` for the event that is not cancelled, or None."""
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event_id,
            Registration.email == email.strip().lower(),
            Registration.status != RegistrationStatus.CANCELLED,
        )
    )


def by_manage_token(token):
    """The registration whose manage link carries ``token``, or None."""
    if not token or len(token) > 64 or CONTROL.search(token):
        return None
    return db.session.scalar(sa.select(Registration).where(Registration.manage_token == token))


def invitation_by_token(event_id, token):
    """The invitation to ``event_id`` whose link carries ``token``, or None (a NUL, which
    PostgreSQL cannot compare, finds none)."""
    if not token or len(token) > 64 or CONTROL.search(token):
        return None
    return db.session.scalar(
        sa.select(Invitation).where(Invitation.event_id == event_id, Invitation.token == token)
    )


def forums_per_year():
    """{year: number of forums published or held}, for the annual clock dashboard."""
    year = sa.extract("year", Event.starts_at)
    rows = db.session.execute(
        sa.select(year, sa.func.count(Event.id))
        .where(Event.kind == EventKind.FORUM,
               Event.status.in_([EventStatus.PUBLISHED, EventStatus.HELD]))
        .group_by(year).order_by(year)
    )
    return {int(y): n for y, n in rows}


def told(event):
    """(active registrations, invitations of addresses without one) of ``event``: who hears of
    its change or cancellation."""
    registrations = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id,
                                      Registration.status != RegistrationStatus.CANCELLED)
        .order_by(Registration.id)).all()
    registered = {registration.email for registration in registrations}
    invitations = db.session.scalars(
        sa.select(Invitation).where(Invitation.event_id == event.id).order_by(Invitation.id)).all()
    return registrations, [i for i in invitations if i.email not in registered]


def cancellation(event_id):
    """The recorded cancellation of an event (with its reason), or None."""
    return db.session.scalar(
        sa.select(EventChange).where(EventChange.event_id == event_id,
                                     EventChange.action == ChangeAction.CANCELLED)
        .order_by(EventChange.id.desc()).limit(1))
