"""The .ics invitation: parsed back with icalendar, it says when, where and how to manage."""

import datetime as dt

import pytest
from flask import Flask
from icalendar import Calendar

from services.registration.ics import event_calendar
from services.registration.models import AttendanceMode, Event, EventStatus, Registration
from shared import config

STARTS = dt.datetime(2027, 3, 4, 8, 0, tzinfo=dt.UTC)
JOIN_URL = "https://meet.example.fi/j/room"


@pytest.fixture(autouse=True)
def app_context():
    """An app context whose PUBLIC_URL the links are built from."""
    app = Flask(__name__)
    app.config.update(config.load({"ENV": "test", "PUBLIC_URL": "https://foorumi.example.fi"}))
    with app.app_context():
        yield


def forum():
    """A transient forum at a Helsinki-morning time given in UTC."""
    return Event(id=5, title="Provider forum: budget 2028", venue="Town hall, Kuopio",
                 starts_at=STARTS, ends_at=STARTS + dt.timedelta(hours=3),
                 remote_join_url=JOIN_URL)


def registrant(mode):
    """A transient registration in ``mode``."""
    return Registration(id=1, attendance_mode=mode, manage_token="manage-tok")


def parse(data):
    """The one VEVENT of .ics bytes."""
    [vevent] = Calendar.from_ical(data).walk("VEVENT")
    return vevent


def test_times_are_utc_and_summary_is_the_title():
    vevent = parse(event_calendar(forum(), registrant(AttendanceMode.ONSITE)))

    assert vevent.decoded("dtstart") == STARTS
    assert vevent.decoded("dtend") == STARTS + dt.timedelta(hours=3)
    assert vevent.decoded("dtstart").utcoffset() == dt.timedelta(0)
    assert str(vevent["summary"]) == "Provider forum: budget 2028"
    assert "DTSTART:20270304T080000Z" in event_calendar(forum()).decode()


def test_onsite_location_is_the_venue_and_no_join_link():
    data = event_calendar(forum(), registrant(AttendanceMode.ONSITE))

    assert str(parse(data)["location"]) == "Town hall, Kuopio"
    assert JOIN_URL not in data.decode()


def test_remote_location_is_the_join_link():
    vevent = parse(event_calendar(forum(), registrant(AttendanceMode.REMOTE)))

    assert str(vevent["location"]) == JOIN_URL


def test_description_has_event_page_and_manage_link():
    vevent = parse(event_calendar(forum(), registrant(AttendanceMode.ONSITE)))

    description = str(vevent["description"])
    assert "https://foorumi.example.fi/registration/events/5" in description
    assert "https://foorumi.example.fi/registration/manage/manage-tok" in description
    assert str(vevent["uid"]) == "event-5@foorumi"


def test_public_calendar_has_no_personal_links():
    data = event_calendar(forum()).decode()

    assert "manage" not in data and JOIN_URL not in data
    assert str(parse(data.encode())["location"]) == "Town hall, Kuopio"


def test_every_ics_of_an_event_has_its_uid_and_sequence():
    event = forum()
    event.sequence = 3
    for registration in (None, registrant(AttendanceMode.ONSITE)):
        cal = Calendar.from_ical(event_calendar(event, registration))
        (vevent,) = cal.walk("VEVENT")
        assert str(cal["METHOD"]) == "PUBLISH"
        assert (str(vevent["UID"]), vevent["SEQUENCE"], str(vevent["STATUS"])) == (
            "event-5@foorumi", 3, "CONFIRMED")


def test_a_cancelled_event_is_a_cancelling_ics():
    event = forum()
    event.sequence, event.status = 2, EventStatus.CANCELLED
    cal = Calendar.from_ical(event_calendar(event, registrant(AttendanceMode.REMOTE)))
    (vevent,) = cal.walk("VEVENT")
    assert str(cal["METHOD"]) == "CANCEL" and str(vevent["STATUS"]) == "CANCELLED"
    assert (str(vevent["UID"]), vevent["SEQUENCE"]) == ("event-5@foorumi", 2)
