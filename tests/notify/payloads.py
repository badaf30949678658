"""SendEmail payloads as registration sends them, for the notify tests."""

import base64
import datetime as dt
import uuid

from icalendar import Calendar, Event

from shared.db import utcnow

STARTS = dt.datetime(2031, 10, 14, 10, 0, tzinfo=dt.UTC)
MANAGE_URL = "http://localhost/registration/manage/tok3n"
JOIN_URL = "https://meet.example/forum-secret"


def ics_attachment(title="Autumn provider forum"):
    """A contract attachment holding a one-event calendar, as registration sends it."""
    cal = Calendar()
    cal.add("prodid", "-//foorumi tests//")
    cal.add("version", "2.0")
    event = Event()
    event.add("uid", "event-1@foorumi")
    event.add("dtstamp", STARTS)
    event.add("dtstart", STARTS)
    event.add("dtend", STARTS + dt.timedelta(hours=3))
    event.add("summary", title)
    event.add("description", MANAGE_URL)
    cal.add_component(event)
    return {"filename": "foorumi.ics", "content_type": "text/calendar",
            "content_base64": base64.b64encode(cal.to_ical()).decode()}


def email_context(**changes):
    """The context registration's emails.py sends for an on-site confirmed registrant."""
    context = {
        "event_id": 1,
        "event_title": "Autumn provider forum",
        "starts_at": STARTS.isoformat(),
        "ends_at": (STARTS + dt.timedelta(hours=3)).isoformat(),
        "venue": "Town hall, Main street 1",
        "event_url": "http://localhost/registration/events/1",
        "name": "Maija Meikäläinen",
        "attendance_mode": "onsite",
        "status": "confirmed",
        "manage_url": MANAGE_URL,
        "join_url": "",
        "waitlist_position": None,
    }
    context.update(changes)
    return context


def email_payload(template="registration_confirmed", locale="en", to="maija@example.fi",
                  attachments=None, **context):
    """A valid notify.send_email payload (a fresh message id each call)."""
    return {
        "message_id": str(uuid.uuid4()),
        "occurred_at": utcnow().isoformat(),
        "to": to,
        "to_name": "Maija Meikäläinen",
        "locale": locale,
        "template": template,
        "context": email_context(**context),
        "attachments": [ics_attachment()] if attachments is None else attachments,
    }
