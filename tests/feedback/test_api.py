"""The feedback JSON API: topics, approved comments, posting comments and replies, reports."""

import datetime as dt

import pytest
from openapi_spec_validator import validate

from services.feedback.models import CommentStatus
from shared.db import utcnow
from tests.feedback.builders import agenda_item

EN = {"Accept-Language": "en"}
BODY = {"name": "Maija Meikäläinen", "organisation": "Hoiva Oy", "email": "maija@example.fi",
        "text": "More home care, please.", "business_id": "0112038-9",
        "on_behalf_of_organisation": True}



def test_the_openapi_document_is_valid_and_lists_the_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json
    validate(spec)
    assert {"/api/v1/forums", "/api/v1/topics/{topic_id}", "/api/v1/topics/{topic_id}/comments",
            "/api/v1/comments/{comment_id}/replies",
            "/api/v1/comments/{comment_id}/reports",
            "/api/v1/forums/{forum_id}/comments"} <= set(spec["paths"])


def test_forums_list_live_topics_with_their_windows(client, create_forum):
    create_forum(agenda=[agenda_item(1, title="Budget"), agenda_item(2, title="Vouchers")])
    create_forum(agenda=[agenda_item(1, title="Budget")])  # item 2 withdrawn
    [forum] = client.get("/api/v1/forums").json
    assert forum["title"] == "Autumn provider forum"
    assert [(t["title"], t["window"]) for t in forum["topics"]] == [("Budget", "open")]
    topic = forum["topics"][0]
    assert topic["url"] == f"http://localhost/feedback/topics/{topic['id']}"
    assert topic["material_urls"] == ["http://localhost/registration/materials/1"]


def test_a_topic_and_its_approved_comments(client, topic_id, create_comment):
    parent = create_comment(topic_id, body="**Yes**", on_behalf_of_organisation=True)
    create_comment(topic_id, parent_id=parent, body="Reply")
    create_comment(topic_id, parent_id=parent, body="Pending reply", status=CommentStatus.PENDING)
    for status in (CommentStatus.UNCONFIRMED, CommentStatus.PENDING, CommentStatus.REJECTED,
                   CommentStatus.HIDDEN, CommentStatus.EXPIRED):
        create_comment(topic_id, status=status, body=f"Secret {status.value}")

    topic = client.get(f"/api/v1/topics/{topic_id}").json
    assert (topic["title"], topic["window"]) == ("Item 1", "open")
    response = client.get(f"/api/v1/topics/{topic_id}/comments")

    assert response.status_code == 200
    [thread] = response.json
    assert (thread["author_name"], thread["organisation"], thread["html"]) == (
        "Maija Meikäläinen", "Hoiva Oy", "<p><strong>Yes</strong></p>\n")
    assert thread["on_behalf_of_organisation"] is True
    assert [r["html"] for r in thread["replies"]] == ["<p>Reply</p>\n"]
    text = response.get_data(as_text=True)
    assert "Secret" not in text and "Pending reply" not in text and "maija@example.fi" not in text


def test_a_forums_approved_comments_by_topic_for_the_memo(client, create_forum, create_comment):
    first, second = create_forum()
    parent = create_comment(first, body="First")
    create_comment(first, parent_id=parent, body="Its reply")
    create_comment(second, body="Second")
    for status in (CommentStatus.PENDING, CommentStatus.REJECTED, CommentStatus.HIDDEN):
        create_comment(second, status=status, body=f"Secret {status.value}")
    response = client.get("/api/v1/forums/1/comments")
    assert response.status_code == 200
    data = response.json
    assert data["id"] == 1 and data["window_closed_at"] is None
    assert [(t["title"], [c["html"] for c in t["comments"]]) for t in data["topics"]] == [
        ("Item 1", ["<p>First</p>\n"]), ("Item 2", ["<p>Second</p>\n"])]
    assert data["topics"][0]["comments"][0]["replies"][0]["html"] == "<p>Its reply</p>\n"
    assert "Secret" not in response.get_data(as_text=True)
    assert client.get("/api/v1/forums/99/comments").status_code == 404


def test_unknown_topics_are_not_found(client):
    for path in ("/api/v1/topics/999", "/api/v1/topics/999/comments"):
        response = client.get(path, headers=EN)
        assert response.status_code == 404
        assert response.json["message"] == "The page or item was not found."


def test_posting_a_comment_awaits_confirmation(client, topic_id, outbox, count_rows):
    response = client.post(f"/api/v1/topics/{topic_id}/comments", json=BODY)
    assert response.status_code == 202
    assert response.json["status"] == "awaiting_confirmation"
    assert count_rows() == (1, 0, 1)
    assert outbox("notify.send_email")[0]["template"] == "comment_confirm"
    assert client.get(f"/api/v1/topics/{topic_id}/comments").json == []


@pytest.mark.parametrize(("body", "errors"), [
    ({**BODY, "email": "nope"}, {"email": ["Enter a valid email address."]}),
    ({**BODY, "text": "x" * 5001}, {"text": ["Use at most 5000 characters."]}),
    ({**BODY, "text": 42}, {"text": ["Enter text."]}),
    ({**BODY, "on_behalf_of_organisation": "perhaps"}, {"on_behalf_of_organisation": [
        "Choose yes or no."]}),
    ({**BODY, "admin": True}, {"admin": ["This field is not accepted."]}),
    ({k: v for k, v in BODY.items() if k != "name"}, {"name": ["This field is required."]}),
])
def test_bad_input_answers_422_with_field_errors(client, topic_id, count_rows, body, errors):
    response = client.post(f"/api/v1/topics/{topic_id}/comments", json=body, headers=EN)
    assert response.status_code == 422
    assert response.json["errors"] == errors
    assert count_rows() == (0, 0, 0)


@pytest.mark.parametrize("kwargs", [{"json": ["a list"]}, {"data": "name=x"},
                                    {"data": "{broken", "content_type": "application/json"}])
def test_a_body_that_is_not_a_json_object_answers_400(client, topic_id, count_rows, kwargs):
    response = client.post(f"/api/v1/topics/{topic_id}/comments", headers=EN, **kwargs)
    assert response.status_code == 400
    assert count_rows() == (0, 0, 0)


def test_closed_and_unknown_topics_take_no_comments(client, create_forum, count_rows):
    past = utcnow() - dt.timedelta(days=30)
    closed = create_forum(starts_at=past, ends_at=past + dt.timedelta(hours=2))[0]
    assert client.post(f"/api/v1/topics/{closed}/comments", json=BODY).status_code == 409
    assert client.post("/api/v1/topics/999/comments", json=BODY).status_code == 404
    assert count_rows() == (0, 0, 0)


def test_the_honeypot_answers_like_success_and_stores_nothing(client, topic_id, count_rows):
    response = client.post(f"/api/v1/topics/{topic_id}/comments",
                           json={**BODY, "website": "http://spam.example"})
    assert response.status_code == 202
    assert count_rows() == (0, 0, 0)


def test_an_oversized_body_answers_413(make_app, create_forum, count_rows):
    client = make_app("feedback", JSON_MAX_BYTES=2_000).test_client()
    response = client.post(f"/api/v1/topics/{create_forum()[0]}/comments",
                           json={**BODY, "text": "x" * 5_000})
    assert response.status_code == 413
    assert count_rows() == (0, 0, 0)


def test_the_api_needs_no_csrf_token(make_app, create_forum):
    client = make_app("feedback", WTF_CSRF_ENABLED=True).test_client()
    assert client.post(f"/api/v1/topics/{create_forum()[0]}/comments",
                       json=BODY).status_code == 202


def test_replies_only_to_approved_top_level_comments(client, topic_id, create_comment,
                                                     count_rows):
    parent = create_comment(topic_id)
    reply = create_comment(topic_id, parent_id=parent)
    pending = create_comment(topic_id, status=CommentStatus.PENDING)
    before = count_rows()
    for target in (reply, pending, 999):
        assert client.post(f"/api/v1/comments/{target}/replies", json=BODY).status_code == 404
    assert count_rows() == before
    response = client.post(f"/api/v1/comments/{parent}/replies", json=BODY)
    assert response.status_code == 202 and response.json["status"] == "awaiting_confirmation"


def test_reports(client, topic_id, create_comment, count_rows):
    comment = create_comment(topic_id)
    hidden = create_comment(topic_id, status=CommentStatus.HIDDEN)
    bad = client.post(f"/api/v1/comments/{comment}/reports", json={"reason": "other"},
                      headers=EN)
    assert bad.status_code == 422
    assert bad.json["errors"] == {"details": ["Tell us what is wrong with the comment."]}
    assert client.post(f"/api/v1/comments/{hidden}/reports",
                       json={"reason": "spam"}).status_code == 404
    before = count_rows()
    ok = client.post(f"/api/v1/comments/{comment}/reports",
                     json={"reason": "personal_data", "details": "A phone number"})
    assert ok.status_code == 202 and ok.json["status"] == "received"
    assert count_rows() == (before[0], before[1] + 1, before[2])
