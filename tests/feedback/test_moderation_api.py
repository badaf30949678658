"""The moderation endpoints of the JSON API: the queue with its cursor, decisions, bad input."""

import datetime as dt

import pytest

from services.feedback.models import CommentStatus
from shared.db import utcnow
from tests.feedback.moderating import add_report, comment, decisions
from tests.registration.builders import english, fast_passwords  # noqa: F401 - a fixture


@pytest.fixture
def api(staff_client):
    """A moderator's client."""
    return staff_client("moderator")



def test_the_queue_pages_with_a_cursor(api, topic_id, create_comment):
    ids = [create_comment(topic_id, status=CommentStatus.PENDING, body=f"**T{n}**",
                          personal_data_flag="email" if n == 0 else None,
                          submitted_at=utcnow() - dt.timedelta(days=5 - n)) for n in range(3)]
    first = api.get("/api/v1/moderation/queue?limit=2").json
    assert first["queue"] == "pending" and first["total"] == 3
    assert [i["id"] for i in first["items"]] == ids[:2]
    item = first["items"][0]
    assert item["html"].strip() == "<p><strong>T0</strong></p>" and item["personal_data_flag"] == "email"
    assert item["overdue"] is True and item["waited_seconds"] >= 5 * 86400 - 5
    assert item["author_email"] == "maija@example.fi"
    second = api.get(f"/api/v1/moderation/queue?limit=2&after={first['next_after']}").json
    assert [i["id"] for i in second["items"]] == ids[2:] and second["next_after"] is None


def test_the_reported_queue(app, api, topic_id, create_comment):
    cid = create_comment(topic_id)
    add_report(app, cid, "spam")
    data = api.get("/api/v1/moderation/queue?queue=reported").json
    assert data["total"] == 1 and data["items"][0]["report_reasons"] == ["spam"]
    assert data["items"][0]["report_count"] == 1


@pytest.mark.parametrize("query, field", [("queue=nope", "queue"), ("limit=0", "limit"),
                                          ("limit=x", "limit"), ("after=garbage", "after"),
                                          (f"limit={2**63}", "limit"), (f"after=1_{2**63}", "after"),
                                          (f"after=1_{2**31}", "after"), ("after=%C2%B2_1", "after")])
def test_bad_queue_arguments_answer_422(api, query, field):
    response = api.get(f"/api/v1/moderation/queue?{query}")
    assert response.status_code == 422 and field in response.json["errors"]


def test_decide_one(app, api, topic_id, create_comment, outbox):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    response = api.post(f"/api/v1/moderation/comments/{cid}/decision",
                        json={"action": "reject", "reason": "Off topic"})
    assert response.status_code == 200
    assert response.json["action"] == "reject" and response.json["reason"] == "Off topic"
    assert comment(app, cid).status == CommentStatus.REJECTED
    again = api.post(f"/api/v1/moderation/comments/{cid}/decision",
                     json={"action": "reject", "reason": "Off topic"})
    assert again.status_code == 409 and "already been rejected" in again.json["message"]
    assert len(outbox()) == 1


@pytest.mark.parametrize("body, field", [
    ({"action": "reject"}, "reason"),
    ({"action": "reject", "reason": "   "}, "reason"),
    ({"action": "reject", "reason": "x" * 2001}, "reason"),
    ({"action": "publish"}, "action"),
    ({"action": 5}, "action"),
    ({}, "action"),
    ({"action": "approve", "extra": 1}, "extra"),
    ({"action": "reject", "reason": "Off\x00topic"}, "reason"),
    ({"action": "reject", "reason": "Off\x1btopic"}, "reason"),
])
def test_bad_decisions_answer_422_and_change_nothing(app, api, topic_id, create_comment, body, field):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    response = api.post(f"/api/v1/moderation/comments/{cid}/decision", json=body)
    assert response.status_code == 422 and field in response.json["errors"]
    assert comment(app, cid).status == CommentStatus.PENDING and decisions(app) == []


def test_not_json_unknown_and_oversized(app, api, topic_id, create_comment):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    url = f"/api/v1/moderation/comments/{cid}/decision"
    assert api.post(url, data="action=approve").status_code == 422
    assert api.post(url, data="[1]", content_type="application/json").status_code == 422
    assert api.post("/api/v1/moderation/comments/999999/decision",
                    json={"action": "approve"}).status_code == 404
    huge = api.post(url, json={"action": "reject", "reason": "x" * (26 * 1024 * 1024)})
    assert huge.status_code == 413
    assert comment(app, cid).status == CommentStatus.PENDING


def test_bulk_decisions(app, api, topic_id, create_comment):
    ids = [create_comment(topic_id, status=CommentStatus.PENDING, body=f"B{n}") for n in range(3)]
    response = api.post("/api/v1/moderation/decisions", json={"action": "approve", "comment_ids": ids})
    assert response.status_code == 200 and [d["comment_id"] for d in response.json] == ids
    refused = api.post("/api/v1/moderation/decisions", json={"action": "approve", "comment_ids": ids})
    assert refused.status_code == 409 and "comment_ids" in refused.json["errors"]
    for body in ({"action": "approve", "comment_ids": []}, {"action": "approve", "comment_ids": ["1"]},
                 {"action": "approve", "comment_ids": "1"}):
        assert api.post("/api/v1/moderation/decisions", json=body).status_code == 422
    assert len(decisions(app)) == 3


@pytest.mark.parametrize("comment_ids", [[2**63], [2**31], [0], [-1], [True]])
def test_bulk_ids_no_comment_can_have_are_a_422_on_the_field(app, api, topic_id, create_comment,
                                                            comment_ids):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    response = api.post("/api/v1/moderation/decisions",
                        json={"action": "approve", "comment_ids": [cid, *comment_ids]})
    assert response.status_code == 422 and "comment_ids" in response.json["errors"]
    assert comment(app, cid).status == CommentStatus.PENDING and decisions(app) == []


def test_bulk_with_an_unknown_comment_is_a_422_on_the_field_and_decides_none(
        app, api, topic_id, create_comment, outbox):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    response = api.post("/api/v1/moderation/decisions",
                        json={"action": "approve", "comment_ids": [cid, 999999]})
    assert response.status_code == 422
    assert response.json["errors"] == {"comment_ids": ["There is no comment 999999."]}
    assert comment(app, cid).status == CommentStatus.PENDING and decisions(app) == []
    assert outbox() == []


@pytest.mark.parametrize("comment_id", [2**31, 2**63, "9" * 40])
def test_a_path_id_no_comment_can_have_is_not_found(api, comment_id):
    response = api.post(f"/api/v1/moderation/comments/{comment_id}/decision", json={"action": "approve"})
    assert response.status_code == 404


def test_a_reason_keeps_its_line_breaks(app, api, topic_id, create_comment):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    response = api.post(f"/api/v1/moderation/comments/{cid}/decision",
                        json={"action": "reject", "reason": "Off topic:\r\n\tsee the rules"})
    assert response.status_code == 200
    assert decisions(app)[0][2] == "Off topic:\r\n\tsee the rules"


def test_html_in_a_reason_is_stored_as_text_and_escaped_on_the_page(app, api, topic_id,
                                                                    create_comment):
    cid = create_comment(topic_id)
    add_report(app, cid)
    reason = '<script>alert("x")</script>'
    assert api.post(f"/api/v1/moderation/comments/{cid}/decision",
                    json={"action": "hide", "reason": reason}).status_code == 200
    page = api.get(f"/staff/comments/{cid}").get_data(as_text=True)
    assert reason not in page and "&lt;script&gt;" in page


def test_the_openapi_document_lists_the_moderation_endpoints(api):
    paths = api.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/moderation/queue", "/api/v1/moderation/decisions",
            "/api/v1/moderation/comments/{comment_id}/decision"} <= set(paths)
