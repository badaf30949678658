"""The emails and messages the registration service sends, written to its outbox.

notify renders each email from its template in the registrant's language and sends it once per
(message, recipient). Nothing here sends anything directly: it all waits for the commit.
"""

import base64
import uuid

from marshmallow import ValidationError, validate

from services.registration import ics, links, queries
from services.registration.models import AttendanceMode, OutboxMessage, RegistrationStatus, db
from shared.contracts import events, notify
from shared.outbox import emit


def _event_context(event):
    """What every registration email says about the event."""
    return {
        "event_id": event.id,
        "event_title": event.title,
        "starts_at": event.starts_at.isoformat(),
        "ends_at": event.ends_at.isoformat(),
        "venue": event.venue,
        "event_url": links.event_url(event.id),
    }


def _registration_context(registration):
    """The event plus what is particular to this registrant."""
    context = _event_context(registration.event)
    remote = registration.attendance_mode == AttendanceMode.REMOTE
    context.update(
        name=registration.name,
        attendance_mode=registration.attendance_mode.value,
        status=registration.status.value,
        manage_url=links.manage_url(registration.manage_token),
        join_url=registration.event.remote_join_url if remote else "",
        waitlist_position=queries.waitlist_position(registration),
    )
    return context


def _ics_attachment(registration, event=None):
    """The registrant's .ics invitation (an invitee's, without a registration) as a contract
    attachment."""
    data = ics.event_calendar(event or registration.event, registration)
    return {
        "filename": "foorumi.ics",
        "content_type": "text/calendar",
        "content_base64": base64.b64encode(data).decode("ascii"),
    }


#: the namespace of the reminders' message ids
_REMINDER_NAMESPACE = uuid.UUID("0b7f6a52-3c1e-4d5a-9f2e-7c4b8e1d6a90")


def _send(registration, template, attach_ics=False, extra=None, **values):
    """Write one email to the registrant into the outbox (``extra``: more of its context;
    ``values``: e.g. its message id)."""
    emit(
        db.session, OutboxMessage, notify.SEND_EMAIL, **values,
        to=registration.email, to_name=registration.name, locale=registration.locale,
        template=template, context={**_registration_context(registration), **(extra or {})},
        attachments=[_ics_attachment(registration)] if attach_ics else [],
    )


def registered(registration):
    """Confirmation (with .ics) or the waiting-list notice."""
    db.session.flush()
    if registration.status == RegistrationStatus.CONFIRMED:
        _send(registration, "registration_confirmed", attach_ics=True)
    else:
        _send(registration, "registration_waitlisted")


def already_registered(registration):
    """Someone registered again with the same email: send the manage link again."""
    _send(registration, "registration_already_registered")


def promoted(registration):
    """A seat freed up and the first in line got it."""
    _send(registration, "registration_promoted", attach_ics=True)


def mode_changed(registration):
    """The registrant switched between on-site and remote."""
    _send(registration, "registration_mode_changed",
          attach_ics=registration.status == RegistrationStatus.CONFIRMED)


def cancelled(registration):
    """The registration was cancelled."""
    _send(registration, "registration_cancelled")


def reminder_message_id(registration):
    """The message id of a registration's reminder for the forum's start time.

    Derived, not random: whatever wrote the reminder twice would write the same message, which
    the outbox's unique message id refuses a second time and notify sends once per recipient.
    """
    key = f"registration-reminder:{registration.id}:{registration.event.starts_at.isoformat()}"
    return str(uuid.uuid5(_REMINDER_NAMESPACE, key))


def reminder(registration):
    """The day-before reminder; remote attendees get the join link in it."""
    _send(registration, "registration_reminder", attach_ics=True,
          message_id=reminder_message_id(registration))


def invited(event, invitation):
    """An invitation to a targeted session, with its registration link."""
    context = _event_context(event)
    context["invitation_url"] = links.invitation_url(event.id, invitation.token)
    emit(db.session, OutboxMessage, notify.SEND_EMAIL, to=invitation.email,
         locale=invitation.locale, template="registration_invitation", context=context)


def request_subscription(registration):
    """The registrant ticked the newsletter box: notify starts its double opt-in."""
    emit(db.session, OutboxMessage, notify.REQUEST_SUBSCRIPTION, email=registration.email,
         name=registration.name, organisation=registration.organisation,
         locale=registration.locale, source=f"registration:{registration.event_id}")


#: the memo recipient kinds a series may name (anything else is sent as "other")
_RECIPIENT_KINDS = ("board", "regional_government", "other")


def _addressed(entries):
    """The series' entries with a valid email, so a broken entry never blocks a publication."""
    valid = validate.Email()
    found = []
    for entry in entries or ():
        try:
            valid((entry.get("email") or "").strip())
        except ValidationError:
            continue
        found.append(entry)
    return found


def series_payload(series):
    """The ``series`` part of ``event.published``: its numbers and who it reaches, or None."""
    if series is None:
        return None
    return {
        "slug": series.slug, "name": series.name, "working_body": series.working_body or "",
        "newsletter_segment": series.newsletter_segment or "",
        "comment_window_days": series.comment_window_days,
        "recording_visible_days": series.recording_visible_days,
        "memo_recipients": [
            {"name": r.get("name") or "", "email": r["email"].strip(),
             "kind": r.get("kind") if r.get("kind") in _RECIPIENT_KINDS else "other"}
            for r in _addressed(series.memo_recipients)],
        "partners": [{"name": p.get("name") or "", "email": p["email"].strip()}
                     for p in _addressed(series.partners)],
    }


def event_published(event):
    """Announce a published event to feedback (topics), notify (announcements, the plan, the
    series' partners) and memo (its copy of the forum, the series' memo recipients).

    Sent on publishing, on every change of the published agenda, and when the recording is
    published. It carries the event's series (numbers, segment, recipients, partners) or None.
    """
    emit(
        db.session, OutboxMessage, events.EVENT_PUBLISHED,
        event_id=event.id, kind=event.kind.value, title=event.title, theme=event.theme.value,
        starts_at=event.starts_at.isoformat(), ends_at=event.ends_at.isoformat(),
        url=links.event_url(event.id), series=series_payload(event.series),
        recording_published_at=(event.recording_published_at.isoformat()
                                if event.recording_published_at else None),
        agenda=[
            {"id": item.id, "position": item.position, "title": item.title,
             "description": item.description, "presenter_name": item.presenter_name,
             "presenter_email": item.presenter_email or "",
             "material_urls": [links.material_url(m.id) for m in item.materials]}
            for item in event.agenda_items
        ],
    )


def _tell_everyone(event, template, extra):
    """Email ``template`` with an updated .ics to every registrant and invitee of ``event``."""
    registrations, invitations = queries.told(event)
    for registration in registrations:
        _send(registration, template, attach_ics=True, extra=extra)
    for invitation in invitations:
        context = {**_event_context(event), **extra,
                   "invitation_url": links.invitation_url(event.id, invitation.token)}
        emit(db.session, OutboxMessage, notify.SEND_EMAIL, to=invitation.email,
             locale=invitation.locale,
             template=template, context=context, attachments=[_ics_attachment(None, event)])
    return len(registrations) + len(invitations)


def _change_context(change):
    """What a change or cancellation email says besides the event: why, and what was before."""
    before = {name: values[0] for name, values in (change.fields or {}).items()}
    return {"reason": change.reason, "changed": sorted(before), "sequence": change.sequence,
            "previous_starts_at": before.get("starts_at"), "previous_ends_at": before.get("ends_at"),
            "previous_venue": before.get("venue")}


def event_changed(event, change):
    """Announce a change of a published event (``event.changed``) and email everyone told.

    Returns how many people are emailed.
    """
    emit(db.session, OutboxMessage, events.EVENT_CHANGED, event_id=event.id,
         kind=event.kind.value, title=event.title, starts_at=event.starts_at.isoformat(),
         ends_at=event.ends_at.isoformat(), venue=event.venue, url=links.event_url(event.id),
         sequence=event.sequence, changed=sorted(change.fields), reason=change.reason,
         late_override=change.late_override)
    return _tell_everyone(event, "registration_event_changed", _change_context(change))


def event_cancelled(event, change):
    """Announce a cancelled event (``event.cancelled``) and email everyone told a cancelling
    .ics. Returns how many people are emailed."""
    emit(db.session, OutboxMessage, events.EVENT_CANCELLED, event_id=event.id,
         kind=event.kind.value, title=event.title, starts_at=event.starts_at.isoformat(),
         ends_at=event.ends_at.isoformat(), url=links.event_url(event.id),
         sequence=event.sequence, reason=change.reason,
         cancelled_at=change.changed_at.isoformat())
    return _tell_everyone(event, "registration_event_cancelled", _change_context(change))
