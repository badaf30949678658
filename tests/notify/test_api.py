"""The notify JSON API: subscribe, confirm, unsubscribe; 400/422 answers; the OpenAPI document."""

import json

import pytest
import sqlalchemy as sa

from services.notify.models import (
    Announcement,
    AnnouncementKind,
    Campaign,
    CampaignStatus,
    SubscriberStatus,
    db,
)
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


def add_announcement(app):
    """A forum's announcement in the feed; returns its id."""
    with app.app_context():
        row = Announcement(kind=AnnouncementKind.EVENT, source_id=1, title="Autumn forum",
                           url="http://localhost/registration/events/1")
        db.session.add(row)
        db.session.commit()
        return row.id


def campaign_ids(app):
    """The ids of every stored campaign."""
    with app.app_context():
        return db.session.scalars(sa.select(Campaign.id)).all()


@pytest.fixture
def staff(notify_app):
    """A communications staff member's client."""
    client = notify_app.test_client()
    login_as(notify_app, client, "communications")
    return client


@pytest.mark.parametrize("announcement_id", [-1, 0, 2**31, 2**63, 10**40, "x", True, 1.5, [1]])
def test_an_announcement_id_that_names_no_announcement_is_a_422(notify_app, staff, announcement_id):
    response = staff.post("/api/v1/campaigns", json={"subject_fi": "Uutiset", "body_fi": "Hei",
                                                     "announcement_id": announcement_id})
    assert response.status_code == 422 and list(response.json["errors"]) == ["announcement_id"]
    assert campaign_ids(notify_app) == []


def test_an_unknown_announcement_is_a_422_and_a_known_one_is_kept(notify_app, staff):
    known = add_announcement(notify_app)
    body = {"subject_fi": "Uutiset", "body_fi": "Hei"}
    unknown = staff.post("/api/v1/campaigns", json={**body, "announcement_id": known + 1},
                         headers={"Accept-Language": "en"})
    assert unknown.json["errors"] == {"announcement_id": ["There is no such item."]}
    created = staff.post("/api/v1/campaigns", json={**body, "announcement_id": known})
    assert created.status_code == 201
    with notify_app.app_context():
        assert db.session.get(Campaign, created.json["id"]).announcement_id == known


def test_a_long_newsletter_fits_though_other_json_bodies_are_smaller(notify_app, staff):
    body = {"subject_fi": "Uutiset", "body_fi": "ä" * 50_000, "subject_sv": "Nyheter",
            "body_sv": "å" * 50_000}
    data = json.dumps(body)  # \u00e4 for each letter: 600 kB
    assert len(data) > notify_app.config["JSON_MAX_BYTES"]
    response = staff.post("/api/v1/campaigns", data=data, content_type="application/json")
    assert response.status_code == 201
    too_long = staff.post("/api/v1/subscribers/confirm", data=json.dumps({"token": "x" * 70_000}),
                          content_type="application/json")
    assert too_long.status_code == 413


def test_a_line_break_in_a_subject_is_refused_and_kept_in_the_text(notify_app, staff):
    refused = staff.post("/api/v1/campaigns", json={"subject_fi": "Uutiset\r\nBcc: x@example.fi",
                                                    "body_fi": "Hei"})
    assert refused.status_code == 422 and list(refused.json["errors"]) == ["subject_fi"]
    created = staff.post("/api/v1/campaigns", json={"subject_fi": "Uutiset", "body_fi": "Hei\r\n\r\nTerve"})
    assert created.json["content"]["fi"]["body"] == "Hei\r\n\r\nTerve"


@pytest.mark.parametrize("send_at", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
                                     "1900-01-01T00:00:00+00:00"])
def test_a_send_time_outside_the_years_is_a_422(notify_app, staff, send_at):
    campaign_id = staff.post("/api/v1/campaigns", json={"subject_fi": "U", "body_fi": "H"}).json["id"]
    response = staff.post(f"/api/v1/campaigns/{campaign_id}/send", json={"send_at": send_at})
    assert response.status_code == 422 and "send_at" in response.json["errors"]
    with notify_app.app_context():
        assert db.session.get(Campaign, campaign_id).status == CampaignStatus.DRAFT


@pytest.mark.parametrize(("field", "value"), [("name", "Maija\r\nBcc: x@example.fi"),
                                              ("name", "Maija\u2028M"), ("organisation", "Oy\x00Ab")])
def test_a_control_character_in_a_subscribers_name_is_a_422(notify_app, field, value):
    response = notify_app.test_client().post("/api/v1/subscribers", json={**BODY, field: value})
    assert response.status_code == 422 and list(response.json["errors"]) == [field]
    assert outbox_emails(notify_app) == []


@pytest.mark.parametrize("path", ["/api/v1/subscribers/confirm", "/api/v1/subscribers/unsubscribe"])
def test_a_token_with_a_nul_is_a_422(notify_app, path):
    response = notify_app.test_client().post(path, json={"token": "abc\x00def"})
    assert response.status_code == 422 and "token" in response.json["errors"]
