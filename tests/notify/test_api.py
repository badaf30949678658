"""The notify JSON API: subscribe, confirm, unsubscribe; 400/422 answers; the OpenAPI document."""

import pytest

from services.notify.models import SubscriberStatus
from shared.testing.fixtures import login_as
from tests.notify.newsletters import (
    add_campaign,
    add_subscriber,
    confirm_token,
    drain,
    outbox_emails,
    subscriber_row,
)

BODY = {"email": "maija@example.fi", "name": "Maija", "locale": "en", "themes": ["strategy"]}


def test_subscribe_confirm_unsubscribe(notify_app):
    client = notify_app.test_client()
    response = client.post("/api/v1/subscribers", json=BODY)
    assert response.status_code == 202
    assert response.json["status"] == "awaiting_confirmation"
    token = confirm_token(notify_app, "maija@example.fi")
    confirmed = client.post("/api/v1/subscribers/confirm", json={"token": token})
    assert (confirmed.status_code, confirmed.json["status"]) == (200, "confirmed")
    again = client.post("/api/v1/subscribers/confirm", json={"token": token})
    assert (again.status_code, again.json["status"]) == (200, "confirmed")
    row = subscriber_row(notify_app, "maija@example.fi")
    gone = client.post("/api/v1/subscribers/unsubscribe", json={"token": row.token})
    assert gone.status_code == 200
    assert subscriber_row(notify_app, "maija@example.fi").status == SubscriberStatus.UNSUBSCRIBED


@pytest.mark.parametrize(("body", "field"), [
    ({**BODY, "email": "nope"}, "email"),
    ({**BODY, "email": 42}, "email"),
    ({**BODY, "themes": "strategy"}, "themes"),
    ({**BODY, "themes": [1]}, "themes"),
    ({**BODY, "name": "x" * 5000}, "name"),
    ({**BODY, "locale": None}, "locale"),
    ({**BODY, "admin": True}, "admin"),
    ({"name": "no address"}, "email"),
])
def test_bad_input_answers_422_with_field_errors(notify_app, body, field):
    response = notify_app.test_client().post("/api/v1/subscribers", json=body)
    assert response.status_code == 422
    assert isinstance(response.json["errors"][field], list)
    assert outbox_emails(notify_app) == []


def test_not_a_json_object_answers_400(notify_app):
    client = notify_app.test_client()
    assert client.post("/api/v1/subscribers", data="email=x").status_code == 400
    assert client.post("/api/v1/subscribers", json=["a"]).status_code == 400


def test_unknown_tokens_answer_404_and_bad_ones_422(notify_app):
    client = notify_app.test_client()
    assert client.post("/api/v1/subscribers/confirm", json={"token": "x"}).status_code == 404
    assert client.post("/api/v1/subscribers/unsubscribe", json={"token": "x"}).status_code == 404
    bad = client.post("/api/v1/subscribers/confirm", json={"token": 5})
    assert bad.status_code == 422
    assert "token" in bad.json["errors"]
    assert client.post("/api/v1/subscribers/confirm", json={"token": "x" * 401}).status_code == 422


def test_a_known_address_gets_the_same_answer(notify_app):
    add_subscriber(notify_app, "maija@example.fi")
    response = notify_app.test_client().post("/api/v1/subscribers", json=BODY)
    assert response.status_code == 202
    assert outbox_emails(notify_app) == []


def test_campaign_progress_is_for_staff_only(notify_app):
    assert notify_app.test_client().get("/api/v1/campaigns/1").status_code == 401


def test_the_openapi_document_describes_the_api(notify_app):
    doc = notify_app.test_client().get("/api/v1/openapi.json").json
    paths = doc["paths"]
    assert {"/api/v1/subscribers", "/api/v1/subscribers/confirm",
            "/api/v1/subscribers/unsubscribe", "/api/v1/campaigns/{campaign_id}"} <= set(paths)
    assert "422" in paths["/api/v1/subscribers"]["post"]["responses"]


def test_the_archive_and_the_feed_as_json(notify_app):
    add_subscriber(notify_app, "pekka@example.fi")
    campaign_id = add_campaign(notify_app)
    drain(notify_app, campaign_id)
    client = notify_app.test_client()
    (item,) = client.get("/api/v1/newsletters", headers={"Accept-Language": "sv"}).json
    assert (item["id"], item["language"], item["subject"]) == (campaign_id, "sv", "Nyhetsbrev")
    (entry,) = client.get("/api/v1/announcements").json
    assert (entry["kind"], entry["title"]) == ("newsletter", "Uutiskirje")


def test_staff_pause_and_resume_through_the_api(notify_app):
    campaign_id = add_campaign(notify_app)
    client = notify_app.test_client()
    assert client.post(f"/api/v1/campaigns/{campaign_id}/pause").status_code == 401
    login_as(notify_app, client, "communications")
    assert client.post(f"/api/v1/campaigns/{campaign_id}/pause").json["status"] == "paused"
    assert client.post(f"/api/v1/campaigns/{campaign_id}/pause").status_code == 409
    assert client.post(f"/api/v1/campaigns/{campaign_id}/resume").json["status"] == "sending"
    assert client.get(f"/api/v1/campaigns/{campaign_id}").json["status"] == "sending"


def test_staff_compose_and_send_through_the_api(notify_app):
    client = notify_app.test_client()
    body = {"subject_fi": "Uutiset", "body_fi": "Hei", "segment": {"regions": ["north"]}}
    assert client.post("/api/v1/campaigns", json=body).status_code == 401
    login_as(notify_app, client, "communications")
    bad = client.post("/api/v1/campaigns", json={"body_fi": "Hei", "segment": {"regions": ["x"]}})
    assert bad.status_code == 422
    assert set(bad.json["errors"]) == {"subject_fi", "segment"}
    created = client.post("/api/v1/campaigns", json=body)
    assert created.status_code == 201
    campaign_id = created.json["id"]
    assert client.get("/api/v1/campaigns").json[0]["segment"] == {"regions": ["north"]}
    later = client.post(f"/api/v1/campaigns/{campaign_id}/send",
                        json={"send_at": "2031-03-01T07:00:00+00:00"})
    assert later.json["status"] == "scheduled"
    assert client.post(f"/api/v1/campaigns/{campaign_id}/send", json={}).status_code == 409
    assert client.post("/api/v1/campaigns/999/send", json={}).status_code == 404
