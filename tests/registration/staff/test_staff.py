"""The staff pages of events: roles, dashboard, editor, publishing, cancelling, recording."""

import datetime as dt
import re

import pytest

from services.registration.models import (
    AgendaItem,
    Event,
    EventKind,
    EventStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
)
from shared.db import utcnow
from shared.testing.fixtures import login_as
from tests.registration.builders import (
    add_event,
    add_item,
    add_question,
    add_registration,
    count,
    english,
    fast_passwords,  # noqa: F401 - a fixture
    load,
)
from tests.registration.staff.support import event_form, text

# -- roles

STAFF_PAGES = ["/staff/events", "/staff/events/new", "/staff/events/{id}",
               "/staff/events/{id}/edit", "/staff/events/{id}/publish",
               "/staff/events/{id}/registrations", "/staff/events/{id}/registrations.csv",
               "/staff/events/{id}/checkin"]


def test_staff_pages_need_the_secretary_role(app):
    event_id = add_event(app)
    anonymous, moderator, secretary, admin = (english(app) for _ in range(4))
    login_as(app, moderator, "moderator")
    login_as(app, secretary, "secretary")
    login_as(app, admin, "admin")
    for url in (u.format(id=event_id) for u in STAFF_PAGES):
        response = anonymous.get(url)
        assert response.status_code == 302 and "/staff/login" in response.headers["Location"], url
        assert moderator.get(url).status_code == 403, url
        assert secretary.get(url).status_code == 200, url
        assert admin.get(url).status_code == 200, url


def test_posts_need_the_secretary_role_and_change_nothing_otherwise(app):
    event_id = add_event(app)
    anonymous, moderator = english(app), english(app)
    login_as(app, moderator, "moderator")
    for client in (anonymous, moderator):
        client.post("/staff/events/new", data=event_form())
        client.post(f"/staff/events/{event_id}/agenda", data={"item_title": "X"})
        client.post(f"/staff/events/{event_id}/cancel")
    assert count(app, Event) == 1 and count(app, AgendaItem) == 0
    assert load(app, Event, event_id).status == EventStatus.PUBLISHED


@pytest.mark.parametrize("url", [
    "/staff/events/999999", "/staff/events/999999/edit", "/staff/events/999999/registrations",
    "/staff/agenda/999999/edit", "/staff/events/999999/checkin",
])
def test_unknown_ids_are_not_found(client, url):
    assert client.get(url).status_code == 404


# -- dashboard and editor


def test_dashboard_counts_forums_per_year_against_the_policy(app, client):
    year = utcnow().year + 1
    for month in (2, 4, 6):
        add_event(app, title=f"Forum {month}",
                     starts_at=dt.datetime(year, month, 10, 10, tzinfo=dt.UTC))
    add_event(app, title="A draft", status=EventStatus.DRAFT,
                 starts_at=dt.datetime(year + 1, 3, 1, 10, tzinfo=dt.UTC))
    page = text(client.get("/staff/events"))
    row = re.search(rf"<th scope=\"row\">{year}</th>\s*<td>(\d+)</td>\s*<td>([^<]+)</td>", page)
    assert row.groups() == ("3", "within the policy")
    row = re.search(rf"<th scope=\"row\">{year + 1}</th>\s*<td>(\d+)</td>\s*<td>([^<]+)</td>", page)
    assert row.groups() == ("0", "below the policy")
    assert "A draft" in page and "Draft" in page and 'href="/staff/events/new"' in page


def test_create_event_stores_helsinki_time_as_utc_and_makes_a_draft(app, client):
    response = client.post("/staff/events/new", data=event_form(
        starts_at="2031-06-10T13:00", ends_at="2031-06-10T16:00",
        registration_closes_at="2031-06-09T12:00"))
    assert response.status_code == 302
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    event = load(app, Event, event_id)
    assert event.status == EventStatus.DRAFT and event.title == "Wellbeing forum"
    assert event.starts_at == dt.datetime(2031, 6, 10, 10, 0, tzinfo=dt.UTC)  # summer: UTC+3
    assert event.registration_closes_at == dt.datetime(2031, 6, 9, 9, 0, tzinfo=dt.UTC)
    assert event.onsite_capacity == 40 and event.remote_join_url == "https://meet.example/abc"
    form = text(client.get(f"/staff/events/{event_id}/edit"))
    assert 'value="2031-06-10T13:00"' in form


def test_a_description_keeps_its_line_breaks_and_tabs(app, client):
    description = "Agenda:\r\n\r\n* budget\tfirst\n* questions"
    response = client.post("/staff/events/new", data=event_form(description=description))
    assert response.status_code == 302
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert load(app, Event, event_id).description == description


BAD_EVENTS = [
    ("title", {"title": ""}, "This field is required."),
    ("title", {"title": "x" * 201}, "Use at most 200 characters."),
    ("title", {"title": "Budget\r\nforum"}, "Write this on one line."),
    ("venue", {"venue": "City\x00hall"}, "characters that are not allowed"),
    ("description", {"description": "Ring\x07the bell"}, "characters that are not allowed"),
    ("starts_at", {"starts_at": "0001-01-01T00:00"}, "Enter a date and time"),
    ("kind", {"kind": "party"}, "Choose one of the options."),
    ("theme", {"theme": "fun"}, "Choose one of the options."),
    ("starts_at", {"starts_at": "tomorrow"}, "Enter a date and time"),
    ("ends_at", {"ends_at": "2020-01-01T10:00"}, "The end must be after the start."),
    ("onsite_capacity", {"onsite_capacity": "-1"}, "Enter a number from 0 to 100000."),
    ("onsite_capacity", {"onsite_capacity": "many"}, "Enter a whole number."),
    ("remote_join_url", {"remote_join_url": "javascript:alert(1)"}, "Enter a web address"),
    ("registration_closes_at", {"registration_opens_at": "2031-01-02T10:00",
                                "registration_closes_at": "2031-01-01T10:00"},
     "Registration must close after it opens."),
]


@pytest.mark.parametrize(("field", "change", "message"), BAD_EVENTS)
def test_bad_event_input_is_shown_next_to_its_field(app, client, field, change, message):
    response = client.post("/staff/events/new", data=event_form(**change))
    page = text(response)
    assert response.status_code == 422 and f'href="#{field}"' in page
    error = re.search(rf'id="{field}-error">(.*?)</p>', page, re.S)
    assert error and message in error.group(1)
    assert count(app, Event) == 0


def test_html_in_a_title_is_shown_escaped(app, client):
    response = client.post("/staff/events/new", data=event_form(title="<script>x()</script>"))
    page = text(client.get(response.headers["Location"]))
    assert "<script>x()" not in page and "&lt;script&gt;x()" in page


def test_edit_event_saves_and_a_bigger_capacity_promotes_the_waiting_list(app, client):
    event_id = add_event(app, onsite_capacity=1)
    add_registration(app, event_id)
    waiting_id, _ = add_registration(app, event_id, email="w@example.fi",
                                     status=RegistrationStatus.WAITLISTED)
    start = utcnow() + dt.timedelta(days=21)
    local = start.astimezone(dt.timezone(dt.timedelta(hours=2))).strftime("%Y-%m-%d")
    response = client.post(f"/staff/events/{event_id}/edit", data=event_form(
        title="Renamed", onsite_capacity="2", starts_at=f"{local}T10:00", ends_at=f"{local}T12:00",
        change_reason="The hall is free earlier"))
    assert response.status_code == 302
    assert load(app, Event, event_id).title == "Renamed"
    assert load(app, Registration, waiting_id).status == RegistrationStatus.CONFIRMED
    bad = client.post(f"/staff/events/{event_id}/edit", data=event_form(title=""))
    assert bad.status_code == 422 and load(app, Event, event_id).title == "Renamed"


def test_event_page_shows_everything_staff_need(app, client):
    event_id = add_event(app, kind=EventKind.TARGETED, publish_override_reason="Urgent law",
                            publish_override_by="boss@example.fi")
    add_item(app, event_id, title="Voucher rules")
    add_question(app, event_id, "single_choice", "Size?", options=["S", "L"])
    page = text(client.get(f"/staff/events/{event_id}"))
    for expected in ("Voucher rules", "paula@county.example", "Size?", "S, L",
                     "Invitations", "Urgent law", "boss@example.fi", "Recording",
                     f"/staff/events/{event_id}/registrations", f"/staff/events/{event_id}/checkin",
                     'enctype="multipart/form-data"'):
        assert expected in page, expected


# -- agenda and questions


def test_publish_with_enough_lead_time_announces_the_event(app, client):
    event_id = add_event(app, status=EventStatus.DRAFT, published_at=None)
    add_item(app, event_id)
    check = text(client.get(f"/staff/events/{event_id}/publish"))
    assert "Met:" in check and "override_reason" not in check
    response = client.post(f"/staff/events/{event_id}/publish")
    assert response.status_code == 302
    assert load(app, Event, event_id).status == EventStatus.PUBLISHED
    assert count(app, OutboxMessage, OutboxMessage.topic == "event.published") == 1
    again = client.post(f"/staff/events/{event_id}/publish")
    assert again.status_code == 409
    assert count(app, OutboxMessage, OutboxMessage.topic == "event.published") == 1


def test_publish_too_late_is_refused_for_a_secretary(app, client):
    event_id = add_event(app, status=EventStatus.DRAFT, published_at=None,
                            starts_at=utcnow() + dt.timedelta(days=3))
    add_item(app, event_id)
    check = text(client.get(f"/staff/events/{event_id}/publish"))
    assert "Not met:" in check and "The event starts in 2 days." in check
    assert "override_reason" not in check
    response = client.post(f"/staff/events/{event_id}/publish",
                           data={"override_reason": "I say so"})
    assert response.status_code == 422
    assert "requires publishing at least 7 days before" in text(response)
    assert load(app, Event, event_id).status == EventStatus.DRAFT
    assert count(app, OutboxMessage) == 0


def test_admin_may_override_the_lead_time_with_a_recorded_reason(app, admin):
    event_id = add_event(app, status=EventStatus.DRAFT, published_at=None,
                            starts_at=utcnow() + dt.timedelta(days=3))
    add_item(app, event_id)
    assert 'name="override_reason"' in text(admin.get(f"/staff/events/{event_id}/publish"))
    refused = admin.post(f"/staff/events/{event_id}/publish", data={"override_reason": "  "})
    assert refused.status_code == 422 and 'id="override_reason-error"' in text(refused)
    control = admin.post(f"/staff/events/{event_id}/publish", data={"override_reason": "Law\x00"})
    assert control.status_code == 422 and "characters that are not allowed" in text(control)
    assert load(app, Event, event_id).status == EventStatus.DRAFT
    response = admin.post(f"/staff/events/{event_id}/publish",
                          data={"override_reason": "The board moved the meeting"})
    assert response.status_code == 302
    event = load(app, Event, event_id)
    assert event.status == EventStatus.PUBLISHED
    assert event.publish_override_reason == "The board moved the meeting"
    assert "The board moved the meeting" in text(admin.get(f"/staff/events/{event_id}"))


def test_cancel_event_closes_it(app, client):
    event_id = add_event(app)
    assert client.post(f"/staff/events/{event_id}/cancel",
                       data={"reason": "No venue", "confirm": "y"}).status_code == 302
    assert load(app, Event, event_id).status == EventStatus.CANCELLED
    assert "This event has been cancelled." in text(english(app).get(f"/events/{event_id}"))


def test_recording_link_is_published_and_bad_links_refused(app, client):
    event_id = add_event(app, status=EventStatus.HELD)
    for bad in ("javascript:alert(1)", "ftp://files.example/x", "not a url", ""):
        response = client.post(f"/staff/events/{event_id}/recording", data={"recording_url": bad})
        assert response.status_code == 422 and 'id="recording_url-error"' in text(response), bad
    assert load(app, Event, event_id).recording_url is None
    client.post(f"/staff/events/{event_id}/recording",
                data={"recording_url": "https://video.example/r"})
    event = load(app, Event, event_id)
    assert event.recording_url == "https://video.example/r" and event.recording_published_at


# -- invitations
