"""State changes of the registration service. They flush and never commit; the caller commits.

Seat rule (rule 4 of the house): every change that can take or free an on-site seat first takes
the event's seat lock (:func:`lock_seats`), an UPDATE of the event row that PostgreSQL and SQLite
both serialize, so any number of concurrent registrations confirms at most the capacity and the
rest wait in order.
"""

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError, OperationalError

from services.registration import emails, policy, queries
from services.registration.cycle import milestones, numbers
from services.registration.cycle.models import Milestone, MilestoneKey
from services.registration.models import (
    AttendanceMode,
    Event,
    EventKind,
    EventStatus,
    Invitation,
    RecordingCaptions,
    Registration,
    RegistrationStatus,
    db,
)
from shared import tokens
from shared.db import utcnow


class RegistrationError(Exception):
    """A registration cannot be made or changed; ``str()`` is a message for the user."""


class RegistrationClosed(RegistrationError):
    """The event is not open for registration now."""


class SeatsBusy(RegistrationError):
    """The seat lock could not be had in time; the user should try again."""


#: publishing (or changing a published event) would break the forum's policy
PolicyViolation = policy.PolicyViolation


class NotHeld(Exception):
    """The recording of a forum that has not been held yet cannot be published."""


def lock_seats(event_id):
    """Take the event's seat lock until the transaction ends. Raises SeatsBusy after the timeout.

    The lock is an UPDATE of the event row: a row lock on PostgreSQL (bounded by lock_timeout),
    the database write lock on SQLite (bounded by busy_timeout). ``SEAT_LOCK_ENABLED=False`` is a
    test-only switch that skips it, so the concurrency test can show it would overbook.
    """
    if not current_app.config["SEAT_LOCK_ENABLED"]:
        return
    session = db.session
    try:
        if session.get_bind().dialect.name == "postgresql":
            timeout = int(current_app.config["SEAT_LOCK_TIMEOUT_SECONDS"] * 1000)
            session.execute(sa.text(f"SET LOCAL lock_timeout = {timeout}"))
        session.execute(
            sa.update(Event).where(Event.id == event_id)
            .values(seat_version=Event.seat_version + 1)
            .execution_options(synchronize_session=False)
        )
    except OperationalError as exc:
        raise SeatsBusy() from exc


def registration_open(event, now=None):
    """Whether ``event`` takes registrations at ``now``."""
    now = now or utcnow()
    if event.status != EventStatus.PUBLISHED:
        return False
    opens = event.registration_opens_at or event.published_at or now
    closes = event.registration_closes_at or event.starts_at
    return opens <= now < closes


def _seat_status(event):
    """CONFIRMED if an on-site seat is free (caller holds the seat lock), else WAITLISTED."""
    if queries.onsite_confirmed(event.id) < event.onsite_capacity:
        return RegistrationStatus.CONFIRMED
    return RegistrationStatus.WAITLISTED


def _place(registration, event, mode):
    """Set mode and status by the seat rules (caller holds the lock for on-site).

    The seat count is taken before the registration changes, so it never counts itself.
    """
    status = RegistrationStatus.CONFIRMED
    if mode == AttendanceMode.ONSITE:
        status = _seat_status(event)
    registration.attendance_mode = mode
    registration.status = status
    registration.waitlisted_at = utcnow() if status == RegistrationStatus.WAITLISTED else None


def register(event, data, locale, invitation=None):
    """Register someone for ``event``; returns (registration, created).

    A second registration with the same email creates nothing: the existing one is returned with
    created=False and the manage link is sent again. Never confirms more on-site seats than the
    capacity. Raises RegistrationClosed, or SeatsBusy if the seat lock takes over its timeout.
    """
    if not registration_open(event):
        raise RegistrationClosed()
    if event.kind == EventKind.TARGETED and invitation is None:
        raise RegistrationClosed()
    email = data["email"].strip().lower()
    existing = queries.active_registration(event.id, email)
    if existing is not None:
        emails.already_registered(existing)
        return existing, False
    mode = AttendanceMode(data["attendance_mode"])
    if mode == AttendanceMode.ONSITE:
        lock_seats(event.id)
    registration = _new_registration(event, data, email, locale)
    _place(registration, event, mode)
    try:
        with db.session.begin_nested():
            db.session.add(registration)
    except IntegrityError:
        existing = queries.active_registration(event.id, email)
        if existing is None:
            raise
        emails.already_registered(existing)
        return existing, False
    emails.registered(registration)
    if registration.newsletter_opt_in:
        emails.request_subscription(registration)
    return registration, True


def _new_registration(event, data, email, locale):
    """A Registration from loaded form or API data (not yet placed or added)."""
    return Registration(
        event_id=event.id, event=event, email=email, name=data["name"],
        organisation=data["organisation"], business_id=data.get("business_id") or None,
        municipality=data["municipality"], industry=data.get("industry"),
        organisation_size=data.get("organisation_size"), region=data.get("region"),
        answers=data.get("answers") or {}, dietary_needs=data.get("dietary_needs") or "",
        accessibility_needs=data.get("accessibility_needs") or "",
        privacy_consent_at=utcnow(), newsletter_opt_in=bool(data.get("newsletter_opt_in")),
        locale=locale, manage_token=tokens.random_token(),
    )


def cancel(registration):
    """Cancel a registration; a freed on-site seat goes to the first in line, who is emailed.

    Cancelling twice changes nothing and returns False.
    """
    if registration.status == RegistrationStatus.CANCELLED:
        return False
    held_seat = (registration.attendance_mode == AttendanceMode.ONSITE
                 and registration.status == RegistrationStatus.CONFIRMED)
    if held_seat:
        lock_seats(registration.event_id)
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = utcnow()
    registration.waitlisted_at = None
    db.session.flush()
    emails.cancelled(registration)
    if held_seat:
        promote_from_waitlist(registration.event)
    return True


def change_mode(registration, mode):
    """Switch between on-site and remote; to on-site follows the seat rules. Returns the status.

    Raises RegistrationError for a cancelled registration, SeatsBusy on lock timeout.
    """
    mode = AttendanceMode(mode)
    if registration.status == RegistrationStatus.CANCELLED:
        raise RegistrationError()
    if registration.attendance_mode == mode:
        return registration.status
    event = registration.event
    held_seat = (registration.attendance_mode == AttendanceMode.ONSITE
                 and registration.status == RegistrationStatus.CONFIRMED)
    lock_seats(event.id)
    _place(registration, event, mode)
    db.session.flush()
    emails.mode_changed(registration)
    if held_seat:
        promote_from_waitlist(event)
    return registration.status


def promote_from_waitlist(event):
    """Confirm waitlisted on-site registrations while seats are free (caller holds the lock).

    Each promoted registrant is emailed. Returns the promoted registrations in order.
    """
    promoted = []
    free = event.onsite_capacity - queries.onsite_confirmed(event.id)
    while free > 0:
        first = queries.first_waitlisted(event.id)
        if first is None:
            break
        first.status = RegistrationStatus.CONFIRMED
        first.waitlisted_at = None
        db.session.flush()
        emails.promoted(first)
        promoted.append(first)
        free -= 1
    return promoted


def set_capacity(event, capacity):
    """Change the on-site capacity; added seats go to the waiting list in order."""
    lock_seats(event.id)
    event.onsite_capacity = capacity
    db.session.flush()
    return promote_from_waitlist(event)


def publish(event, user, override_reason=None, now=None):
    """Publish an event and announce it (``event.published``).

    Refuses (PolicyViolation) anything but a draft (``"not a draft"``), an empty agenda
    (``"empty agenda"``), and less than the policy's lead time before the start
    (``"lead time"``) unless an admin gives ``override_reason``, which is recorded with who gave it.
    """
    now = now or utcnow()
    if event.status != EventStatus.DRAFT:
        raise PolicyViolation("not a draft")
    if not event.agenda_items:
        raise PolicyViolation("empty agenda")
    if policy.is_late(event.starts_at, now, event):
        try:
            reason = policy.override_reason(user, override_reason, event)
        except PolicyViolation as exc:
            raise PolicyViolation("lead time", exc.message) from exc
        event.publish_override_reason = reason
        event.publish_override_by = user.email
    event.status = EventStatus.PUBLISHED
    event.published_at = now
    db.session.flush()
    _record_publication(event, user, now)
    emails.event_published(event)
    return event


def _record_publication(event, user, now):
    """The forum's milestones scheduled, and its announcement and agenda recorded as published."""
    milestones.schedule(event)
    override = {"override_reason": event.publish_override_reason} \
        if event.publish_override_reason else {}
    by = user.email if user is not None else ""
    milestones.record(event, MilestoneKey.ANNOUNCEMENT, now, by, evidence={
        "published_at": now.isoformat(), **override})
    milestones.record(event, MilestoneKey.AGENDA, now, by, evidence={
        "items": len(event.agenda_items),
        "materials": sum(len(item.materials) for item in event.agenda_items), **override})


def is_held(event, now=None):
    """Whether the forum has taken place: marked held, or published and over."""
    if event.status == EventStatus.HELD:
        return True
    return event.status == EventStatus.PUBLISHED and event.ends_at <= (now or utcnow())


def publish_recording(event, url, now=None, user=None):
    """Set the recording link of a held forum; raises NotHeld before that.

    The viewing period starts at the first publication: replacing the link keeps that time.
    The event is announced again, so notify's plan sees the recording (and its expiry).
    """
    now = now or utcnow()
    if not is_held(event, now):
        raise NotHeld()
    event.recording_url = url
    if event.recording_published_at is None:
        event.recording_published_at = now
    db.session.flush()
    milestones.schedule(event)  # the captions' and the expiry's dates follow from it
    milestones.record(event, MilestoneKey.RECORDING_PUBLISHED, event.recording_published_at,
                      user.email if user is not None else "", evidence={"url": url})
    emails.event_published(event)


def upload_captions(event, data, user, now=None):
    """Store (or replace) the caption file of a published recording; raises NotHeld without one.

    The first upload's time and uploader are kept, since that is what counts for the deadline;
    a replacement records only the latest upload.
    """
    now = now or utcnow()
    if not event.recording_published_at:
        raise NotHeld()
    captions = event.captions
    if captions is None:
        captions = event.captions = RecordingCaptions(captioned_at=now, captioned_by=user.email)
    captions.data, captions.size = data, len(data)
    captions.uploaded_at, captions.uploaded_by = now, user.email
    db.session.flush()
    milestones.record(event, MilestoneKey.RECORDING_CAPTIONED, captions.captioned_at,
                      captions.captioned_by, evidence={"bytes": captions.size})
    return captions


def recording_state(event, now=None):
    """'none', 'available' or 'expired' for the event page."""
    if not event.recording_url or not event.recording_published_at:
        return "none"
    expires = event.recording_published_at + numbers.of_event(event).recording_visible
    return "available" if (now or utcnow()) < expires else "expired"


def check_in(registration, attended=True):
    """Mark a registrant as arrived (or undo it)."""
    registration.checked_in_at = utcnow() if attended else None
    db.session.flush()


def invite(event, email, locale="fi"):
    """Invite ``email`` to a targeted session (once), emailed in ``locale``; the invitation
    email carries the link. A second invitation of the same address changes nothing."""
    email = email.strip().lower()
    existing = db.session.scalar(
        sa.select(Invitation).where(Invitation.event_id == event.id, Invitation.email == email)
    )
    if existing is not None:
        return existing, False
    invitation = Invitation(event_id=event.id, email=email, token=tokens.random_token(),
                            locale=locale)
    db.session.add(invitation)
    db.session.flush()
    emails.invited(event, invitation)
    return invitation, True


def send_due_reminders(now=None):
    """Write the day-before reminder of every confirmed registration now due; returns how many.

    Driven by beat from the database (no broker ETAs); a registration is reminded once, even when
    two runs meet (a tick Redis gave to a second worker, a second beat): one conditional UPDATE
    claims the due registrations nobody has reminded, and only those claimed get the email. On
    PostgreSQL the due rows are taken with SKIP LOCKED, so a second run passes over the rows the
    first one holds instead of waiting for them and finding them reminded.
    """
    now = now or utcnow()
    hours = current_app.config["REMINDER_HOURS_BEFORE"]
    due = (sa.select(Registration.id).join(Event)
           .where(Event.status == EventStatus.PUBLISHED,
                  Event.starts_at > now,
                  Event.starts_at <= now + dt.timedelta(hours=hours),
                  Registration.status == RegistrationStatus.CONFIRMED,
                  Registration.reminder_sent_at.is_(None))
           .order_by(Registration.id).limit(1000))
    if db.is_postgresql():
        due = due.with_for_update(of=Registration, skip_locked=True)
    claimed = db.session.scalars(
        sa.update(Registration)
        .where(Registration.id.in_(due.scalar_subquery()), Registration.reminder_sent_at.is_(None))
        .values(reminder_sent_at=now)
        .returning(Registration.id)
        .execution_options(synchronize_session=False)).all()
    registrations = db.session.scalars(
        sa.select(Registration).where(Registration.id.in_(claimed)).order_by(Registration.id)
        .execution_options(populate_existing=True)).all() if claimed else []
    for registration in registrations:
        emails.reminder(registration)
    db.session.flush()
    _record_reminders(now, hours)
    return len(registrations)


def _record_reminders(now, hours):
    """Record the reminder milestone of each forum inside the reminder window, once: with the
    number of its registrants reminded (none is a fact too: nobody to remind)."""
    forums = db.session.scalars(
        sa.select(Event).join(Milestone, Milestone.event_id == Event.id)
        .where(Event.status == EventStatus.PUBLISHED, Event.starts_at > now,
               Event.starts_at <= now + dt.timedelta(hours=hours),
               Milestone.key == MilestoneKey.REMINDER, Milestone.done_at.is_(None))).all()
    for event in forums:
        reminded = db.session.scalar(
            sa.select(sa.func.count(Registration.id))
            .where(Registration.event_id == event.id, Registration.reminder_sent_at.is_not(None)))
        milestones.record(event, MilestoneKey.REMINDER, now, "registration.send_reminders",
                          evidence={"reminded": reminded})
