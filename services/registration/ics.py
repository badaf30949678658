"""iCalendar (.ics) files of events, built with the ``icalendar`` package.

Every .ics of an event has the same UID; its SEQUENCE is the event's ``sequence``, which goes up
with every change told to the registrants, so a calendar replaces the entry it has. A cancelled
event's .ics is ``METHOD:CANCEL`` with ``STATUS:CANCELLED``: calendars remove the entry.
"""

from icalendar import Calendar
from icalendar import Event as VEvent

from services.registration import links
from services.registration.models import AttendanceMode, EventStatus
from shared.db import utcnow

PRODID = "-//foorumi//provider forum//FI"


def event_calendar(event, registration=None):
    """The .ics bytes of ``event``; a registrant's carries their manage link (and join link)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cancelled = event.status == EventStatus.CANCELLED
    cal.add("method", "CANCEL" if cancelled else "PUBLISH")
    cal.add_component(vevent(event, registration))
    return cal.to_ical()


def uid(event):
    """The UID every .ics of the event carries."""
    return f"event-{event.id}@foorumi"


def vevent(event, registration=None):
    """The VEVENT of an event (the registration's, with its join link for a remote attendee)."""
    entry = VEvent()
    entry.add("uid", uid(event))
    entry.add("dtstamp", utcnow())
    entry.add("sequence", event.sequence or 0)
    entry.add("status", "CANCELLED" if event.status == EventStatus.CANCELLED else "CONFIRMED")
    entry.add("dtstart", event.starts_at)
    entry.add("dtend", event.ends_at)
    entry.add("summary", event.title)
    entry.add("url", links.event_url(event.id))
    remote = registration is not None and registration.attendance_mode == AttendanceMode.REMOTE
    if remote and event.remote_join_url:
        entry.add("location", event.remote_join_url)
    elif event.venue:
        entry.add("location", event.venue)
    lines = [links.event_url(event.id)]
    if registration is not None:
        lines.append(links.manage_url(registration.manage_token))
    entry.add("description", "\n".join(lines))
    return entry
