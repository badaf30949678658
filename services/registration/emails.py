"""The emails and messages the registration service sends, written to its outbox.

notify renders each email from its template in the registrant's language and sends it once per
(message, recipient). Nothing here sends anything directly: it all waits for the commit.
"""

import base64

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


def _ics_attachment(registration):
    """The registrant's .ics invitation as a contract attachment."""
    data = ics.event_calendar(registration.event, registration)
    return {
        "filename": "foorumi.ics",
        "content_type": "text/calendar",
        "content_base64": base64.b64encode(data).decode("ascii"),
    }


def _send(registration, template, attach_ics=False):
    """Write one email to the registrant into the outbox."""
    emit(
        db.session, OutboxMessage, notify.SEND_EMAIL,
        to=registration.email, to_name=registration.name, locale=registration.locale,
        template=template, context=_registration_context(registration),
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


def reminder(registration):
    """The day-before reminder; remote attendees get the join link in it."""
    _send(registration, "registration_reminder", attach_ics=True)


def invited(event, invitation):
    """An invitation to a targeted session, with its registration link."""
    context = _event_context(event)
    context["invitation_url"] = links.invitation_url(event.id, invitation.token)
    emit(db.session, OutboxMessage, notify.SEND_EMAIL, to=invitation.email, locale="fi",
         template="registration_invitation", context=context)


def request_subscription(registration):
    """The registrant ticked the newsletter box: notify starts its double opt-in."""
    emit(db.session, OutboxMessage, notify.REQUEST_SUBSCRIPTION, email=registration.email,
         name=registration.name, organisation=registration.organisation,
         locale=registration.locale, source=f"registration:{registration.event_id}")


def event_published(event):
    """Announce a published event to feedback (topics) and notify (announcements and the plan).

    Sent on publishing, on every change of the published agenda, and when the recording is
    published.
    """
    emit(
        db.session, OutboxMessage, events.EVENT_PUBLISHED,
        event_id=event.id, kind=event.kind.value, title=event.title, theme=event.theme.value,
        starts_at=event.starts_at.isoformat(), ends_at=event.ends_at.isoformat(),
        url=links.event_url(event.id),
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
