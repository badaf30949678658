"""The staff side of the registration API: changing, cancelling and publishing events and adding
to their agenda, under the same rules as the pages. Bad input answers with field errors in the
request's language and changes nothing."""

import datetime as dt

import pytest

from services.registration.models import AgendaItem, Event, EventStatus, OutboxMessage
from shared.db import utcnow
from shared.testing.fixtures import login_as
from tests.registration.builders import (
    add_event,
    add_item,
    add_registration,
    count,
    fast_passwords,  # noqa: F401 - a fixture
    load,
)


@pytest.fixture(autouse=True)
def _fast(fast_passwords):  # noqa: F811 - the fixture imported above
    """Staff logins hash passwords cheaply in these tests."""


def client_as(app, *roles, lang="en"):
    """A client logged in with ``roles``, asking for ``lang``."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = lang
    login_as(app, client, *roles)
    return client


@pytest.fixture
def secretary(app):
    """A secretary's API client, in English."""
    return client_as(app, "secretary")


@pytest.fixture
def forum(app):
    """A published forum three weeks ahead with an item and a registrant; its id."""
    event_id = add_event(app)
    add_item(app, event_id)
    add_registration(app, event_id)
    return event_id


def later(days):
    """{"starts_at", "ends_at"} ``days`` from now, as the API takes them."""
    start = (utcnow() + dt.timedelta(days=days)).replace(microsecond=0)
    return {"starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=3)).isoformat()}


def outbox_count(app):
    """How many messages registration has written."""
    return count(app, OutboxMessage)


def test_the_staff_api_needs_a_secretary(app, forum):
    anonymous = app.test_client()
    assert anonymous.get(f"/api/v1/staff/events/{forum}").status_code == 401
    assert anonymous.post(f"/api/v1/staff/events/{forum}/cancel",
                          json={"reason": "x", "sequence": 0}).status_code == 401
    moderator = client_as(app, "moderator")
    assert moderator.post(f"/api/v1/staff/events/{forum}/cancel",
                          json={"reason": "x", "sequence": 0}).status_code == 403
    assert load(app, Event, forum).status == EventStatus.PUBLISHED


@pytest.mark.parametrize(("method", "path", "body"), [
    ("get", "", None), ("patch", "", {"venue": "X", "sequence": 0}),
    ("post", "/cancel", {"reason": "x", "sequence": 0}), ("post", "/publish", {}),
    ("post", "/agenda", {"title": "X"}), ("post", "/late-agenda", {"override_reason": "x"}),
])
def test_an_unknown_event_is_a_404_naming_the_event_id(app, method, path, body):
    client = client_as(app, "admin", lang="fi")
    response = getattr(client, method)(f"/api/v1/staff/events/999999{path}", json=body)
    assert response.status_code == 404
    assert response.json["errors"] == {"event_id": ["Tapahtumaa ei ole."]}


def test_a_change_needs_a_reason_and_a_fresh_sequence(app, secretary, forum):
    url = f"/api/v1/staff/events/{forum}"
    missing = secretary.patch(url, json={**later(25), "sequence": 0})
    assert missing.status_code == 422 and "change_reason" in missing.json["errors"]
    html = secretary.patch(url, json={**later(25), "sequence": 0,
                                      "change_reason": "<script>alert(1)</script>"})
    assert html.status_code == 422
    assert html.json["errors"]["change_reason"] == ["Write plain text: HTML tags are not allowed."]
    no_sequence = secretary.patch(url, json={**later(25), "change_reason": "Booked"})
    assert no_sequence.status_code == 422 and "sequence" in no_sequence.json["errors"]
    backwards = secretary.patch(url, json={"ends_at": later(1)["starts_at"], "sequence": 0,
                                           "change_reason": "x"})
    assert backwards.status_code == 422 and "ends_at" in backwards.json["errors"]
    assert outbox_count(app) == 0 and load(app, Event, forum).sequence == 0

    done = secretary.patch(url, json={**later(25), "sequence": 0, "change_reason": "Booked"})
    assert done.status_code == 200 and done.json["sequence"] == 1
    assert done.json["changes"][0]["fields"].keys() == {"starts_at", "ends_at"}
    again = secretary.patch(url, json={**later(26), "sequence": 0, "change_reason": "Booked"})
    assert again.status_code == 409 and "sent twice" in again.json["errors"]["change_reason"][0]
    assert load(app, Event, forum).sequence == 1


def test_a_move_inside_the_lead_time_needs_an_admin(app, secretary, forum):
    url = f"/api/v1/staff/events/{forum}"
    refused = secretary.patch(url, json={**later(2), "sequence": 0, "change_reason": "Urgent"})
    assert refused.status_code == 422 and "override_reason" in refused.json["errors"]
    admin = client_as(app, "admin")
    done = admin.patch(url, json={**later(2), "sequence": 0, "change_reason": "Urgent",
                                  "override_reason": "The board meets then"})
    assert done.status_code == 200
    assert done.json["changes"][0]["override_reason"] == "The board meets then"


def test_cancelling_through_the_api(app, secretary, forum):
    url = f"/api/v1/staff/events/{forum}/cancel"
    assert secretary.post(url, json={"sequence": 0}).status_code == 422
    assert secretary.post(url, json={"reason": "", "sequence": 0}).status_code == 422
    html = secretary.post(url, json={"reason": "<b>No</b>", "sequence": 0})
    assert html.status_code == 422 and "reason" in html.json["errors"]
    assert outbox_count(app) == 0
    done = secretary.post(url, json={"reason": "No venue", "sequence": 0})
    assert done.status_code == 200 and done.json["status"] == "cancelled"
    again = secretary.post(url, json={"reason": "No venue", "sequence": 1})
    assert again.status_code == 409 and "already cancelled" in again.json["errors"]["reason"][0]
    assert load(app, Event, forum).sequence == 1


def test_errors_come_in_the_requests_language(app, forum):
    client = client_as(app, "secretary", lang="sv")
    response = client.post(f"/api/v1/staff/events/{forum}/cancel",
                           json={"reason": "<i>x</i>", "sequence": 0})
    assert response.status_code == 422 and "HTML" in response.json["errors"]["reason"][0]
    assert response.json["errors"]["reason"][0] != "Write plain text: HTML tags are not allowed."


def test_publishing_through_the_api_follows_the_rules(app, secretary):
    empty = add_event(app, status=EventStatus.DRAFT, published_at=None)
    response = secretary.post(f"/api/v1/staff/events/{empty}/publish", json={})
    assert response.status_code == 422 and "agenda" in response.json["errors"]
    late = add_event(app, status=EventStatus.DRAFT, published_at=None,
                     starts_at=utcnow() + dt.timedelta(days=2))
    add_item(app, late)
    response = secretary.post(f"/api/v1/staff/events/{late}/publish", json={})
    assert response.status_code == 422 and "override_reason" in response.json["errors"]
    assert outbox_count(app) == 0
    admin = client_as(app, "admin")
    done = admin.post(f"/api/v1/staff/events/{late}/publish", json={"override_reason": "Urgent"})
    assert done.status_code == 200 and done.json["publish_override_reason"] == "Urgent"
    again = admin.post(f"/api/v1/staff/events/{late}/publish", json={})
    assert again.status_code == 409 and "event_id" in again.json["errors"]


def test_a_late_agenda_item_needs_the_override(app, secretary):
    event_id = add_event(app, starts_at=utcnow() + dt.timedelta(days=3))
    add_item(app, event_id)
    url = f"/api/v1/staff/events/{event_id}/agenda"
    refused = secretary.post(url, json={"title": "Late"})
    assert refused.status_code == 422 and "late_agenda" in refused.json["errors"]
    assert secretary.get(f"/api/v1/staff/events/{event_id}").json["agenda_locked"] is True
    not_admin = secretary.post(f"/api/v1/staff/events/{event_id}/late-agenda",
                               json={"override_reason": "Please"})
    assert not_admin.status_code == 422 and "override_reason" in not_admin.json["errors"]
    assert count(app, AgendaItem) == 1
    admin = client_as(app, "admin")
    assert admin.post(f"/api/v1/staff/events/{event_id}/late-agenda",
                      json={"override_reason": "A new matter"}).status_code == 200
    added = secretary.post(url, json={"title": "Late"})
    assert added.status_code == 201 and [i["title"] for i in added.json["agenda"]] == [
        "Budget 2027", "Late"]


def test_the_openapi_document_lists_the_staff_routes(app):
    spec = app.test_client().get("/api/v1/openapi.json").json
    assert {"/api/v1/staff/events/{event_id}", "/api/v1/staff/events/{event_id}/cancel",
            "/api/v1/staff/events/{event_id}/publish", "/api/v1/staff/events/{event_id}/agenda",
            "/api/v1/staff/events/{event_id}/late-agenda"} <= set(spec["paths"])
    assert "patch" in spec["paths"]["/api/v1/staff/events/{event_id}"]
