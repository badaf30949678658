"""The communications plan as a view of registration's milestones, read over HTTP from the real
registration API: a milestone is done on the plan only after registration recorded its evidence,
late when its date passed without it, and a registration that does not answer is said so."""

import datetime as dt
import re

import pytest
from icalendar import Calendar

from services.notify.models import Announcement, AnnouncementKind, PlannedForum
from services.notify.models import db as notify_db
from services.registration import models  # noqa: F401 - first: it loads the cycle's models
from services.registration.cycle import milestones
from services.registration.cycle.models import MilestoneKey
from services.registration.models import Event, EventKind, EventStatus, db
from shared.db import utcnow
from shared.testing.fixtures import login_as
from tests.notify.test_forums import registration_api  # noqa: F401 - a fixture
from tests.registration.builders import (
    add_event,
    fast_passwords,  # noqa: F401 - a fixture
)

ROW = re.compile(r'<tr data-milestone="(\w+)" data-state="(\w+)">(.*?)</tr>', re.S)


def add_forum(registration, **fields):
    """A forum in registration with its milestones scheduled; returns its id."""
    event_id = add_event(registration, **fields)
    with registration.app_context():
        milestones.schedule(db.session.get(Event, event_id))
        db.session.commit()
    return event_id


def record(registration, event_id, key):
    """Registration records ``key`` done from its evidence (as its publication, reminders...)."""
    with registration.app_context():
        milestones.record(db.session.get(Event, event_id), key, by="sihteeri@example.fi")
        db.session.commit()


@pytest.fixture
def plan_page(make_app, registration_api, fast_passwords):  # noqa: F811 - fixtures imported above
    """(registration app, notify app, get(language) -> the plan page's text) over HTTP."""
    registration, api_url = registration_api
    notify = make_app("notify", REGISTRATION_API_URL=api_url)
    client = notify.test_client()
    login_as(notify, client, "communications")

    def get(language="en"):
        response = client.get("/staff/plan", headers={"Accept-Language": language})
        assert response.status_code == 200
        return response.get_data(as_text=True)

    return registration, notify, client, get


def rows(text, event_id):
    """{key: (state, the row's visible text)} of one forum's section of the plan page."""
    section = text.split(f'data-forum="{event_id}"', 1)[1].split("</section>", 1)[0]
    return {key: (state, re.sub(r"<[^>]+>", " ", body)) for key, state, body in ROW.findall(section)}


def test_done_only_after_registration_recorded_it_and_late_without(plan_page):
    registration, _notify, _client, get = plan_page
    starts = utcnow() - dt.timedelta(days=10)
    event_id = add_forum(registration, title="Spring forum", starts_at=starts,
                         status=EventStatus.HELD, published_at=starts - dt.timedelta(days=20))
    before = rows(get(), event_id)
    assert before["agenda"][0] == "late" and "Late" in before["agenda"][1]
    assert "Done" not in before["agenda"][1]  # its date passed: that is not evidence
    record(registration, event_id, MilestoneKey.AGENDA)
    after = rows(get(), event_id)
    assert after["agenda"][0] == "done" and "Done" in after["agenda"][1]
    assert after["reminder"][0] == "late" and "Late" in after["reminder"][1]  # nothing recorded
    assert after["comments_open"][0] == "late"
    assert "Agenda and material published" in after["agenda"][1]


def test_the_plan_speaks_the_users_language(plan_page):
    registration, _notify, _client, get = plan_page
    event_id = add_forum(registration, starts_at=utcnow() - dt.timedelta(days=10),
                         status=EventStatus.HELD)
    record(registration, event_id, MilestoneKey.AGENDA)
    finnish = rows(get("fi"), event_id)
    assert "Tehty" in finnish["agenda"][1]
    assert "Esityslista ja materiaali julkaistu" in finnish["agenda"][1]
    assert "Myöhässä" in finnish["reminder"][1] and "Ilmoittautumismuistutus" in finnish["reminder"][1]


def test_an_upcoming_forum_is_not_yet_due_and_links_to_act(plan_page):
    registration, notify, _client, get = plan_page
    event_id = add_forum(registration, title="Autumn forum")
    with notify.app_context():
        announcement = Announcement(kind=AnnouncementKind.EVENT, source_id=event_id,
                                    title="Autumn forum", url="http://localhost/x")
        notify_db.session.add(announcement)
        notify_db.session.commit()
        announcement_id = announcement.id
    text = get()
    got = rows(text, event_id)
    assert {state for state, _ in got.values()} == {"open"}
    assert len(got) == len(MilestoneKey)
    assert f"/staff/campaigns/new?announcement={announcement_id}" in text
    assert "/feedback/staff/forums" in text and f"/registration/staff/events/{event_id}" in text
    assert "Mark done" not in text


def test_a_cancelled_forum_shows_cancelled_with_notifys_reason_and_nothing_late(plan_page):
    registration, notify, _client, get = plan_page
    starts = utcnow() - dt.timedelta(days=2)
    event_id = add_forum(registration, title="Cancelled forum", starts_at=starts,
                         status=EventStatus.CANCELLED)
    record(registration, event_id, MilestoneKey.ANNOUNCEMENT)
    with notify.app_context():  # what event.cancelled told notify
        notify_db.session.add(PlannedForum(
            id=event_id, title="Cancelled forum", theme="budget", starts_at=starts,
            ends_at=starts, url="http://localhost/x", cancelled_at=utcnow(),
            cancel_reason="Too few registrations"))
        notify_db.session.commit()
    text = get()
    got = rows(text, event_id)
    assert got["announcement"][0] == "done"
    assert {state for state, _ in got.values()} == {"done", "cancelled"}
    assert "(Cancelled)" in text and "Too few registrations" in text


def test_drafts_and_targeted_sessions_are_not_in_the_plan(plan_page):
    registration, _notify, _client, get = plan_page
    draft = add_forum(registration, status=EventStatus.DRAFT)
    targeted = add_event(registration, kind=EventKind.TARGETED)
    text = get()
    assert f'data-forum="{draft}"' not in text and f'data-forum="{targeted}"' not in text
    assert "No published forums yet." in text


@pytest.mark.parametrize("language, notice", [
    ("en", "The registration service did not answer"),
    ("fi", "Ilmoittautumispalvelu ei vastannut"),
])
def test_a_registration_that_does_not_answer_is_said_so(make_app, fast_passwords,  # noqa: F811
                                                        language, notice):
    notify = make_app("notify", REGISTRATION_API_URL="http://127.0.0.1:1/api/v1")
    client = notify.test_client()
    login_as(notify, client, "communications")
    response = client.get("/staff/plan", headers={"Accept-Language": language})
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert notice in text and "data-state=" not in text


def ical_path(text):
    """The plan page's signed iCal address, relative to the notify app."""
    return re.search(r'href="http://localhost(/plan/[^"]+\.ics)"', text).group(1)


def test_the_ical_feed_carries_registrations_milestones_and_needs_the_signed_link(plan_page):
    registration, notify, _client, get = plan_page
    add_forum(registration, title="Autumn forum")
    path = ical_path(get())
    response = notify.test_client().get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    due_known = len(MilestoneKey) - 2  # the captions and the expiry wait for the recording
    assert len(events) == due_known
    assert all(str(e["SUMMARY"]).endswith(": Autumn forum") for e in events)
    assert notify.test_client().get("/plan/forged.ics").status_code == 404


def test_the_ical_feed_is_unavailable_rather_than_empty_without_registration(make_app,
                                                                            fast_passwords):  # noqa: F811
    notify = make_app("notify", REGISTRATION_API_URL="http://127.0.0.1:1/api/v1")
    client = notify.test_client()
    login_as(notify, client, "communications")
    path = ical_path(client.get("/staff/plan").get_data(as_text=True))
    response = notify.test_client().get(path)
    assert response.status_code == 503 and response.headers["Retry-After"]


def test_milestones_are_no_longer_marked_by_hand(plan_page):
    registration, _notify, client, _get = plan_page
    event_id = add_forum(registration)
    assert client.post(f"/staff/plan/{event_id}/memo/done").status_code in (404, 405)


def test_only_communications_staff_see_the_plan(make_app, fast_passwords):  # noqa: F811
    notify = make_app("notify")
    client = notify.test_client()
    login_as(notify, client, "moderator")
    assert client.get("/staff/plan").status_code == 403
