"""iCalendar (.ics) files of events, built with the ``icalendar`` package."""

from icalendar import Calendar
from icalendar import Event as VEvent

from services.registration import links
from services.registration.models import AttendanceMode
from shared.db import utcnow

PRODID = "-//foorumi//provider forum//FI"


def event_calendar(event, registration=None):
    """The .ics bytes of ``event``; a registrant's carries their manage link (and join link)."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add_component(_vevent(event, registration))
    return cal.to_ical()


def _vevent(event, registration):
    """The VEVENT of an event."""
    vevent = VEvent()
    vevent.add("uid", f"event-{event.id}@foorumi")
    vevent.add("dtstamp", utcnow())
    vevent.add("dtstart", event.starts_at)
    vevent.add("dtend", event.ends_at)
    vevent.add("summary", event.title)
    vevent.add("url", links.event_url(event.id))
    remote = registration is not None and registration.attendance_mode == AttendanceMode.REMOTE
    if remote and event.remote_join_url:
        vevent.add("location", event.remote_join_url)
    elif event.venue:
        vevent.add("location", event.venue)
    lines = [links.event_url(event.id)]
    if registration is not None:
        lines.append(links.manage_url(registration.manage_token))
    vevent.add("description", "\n".join(lines))
    return vevent
