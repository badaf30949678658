"""Comment counts of forums in the public API: numbers by status, reported and flagged, never a
comment; an unknown forum is a 404 naming the field, bad ids a 422, and the statements do not
grow with the forums asked about."""

import pytest

from services.feedback.models import CommentStatus, Report, ReportReason, db
from shared.db import engine_for
from shared.testing.statements import recording
from tests.feedback.builders import agenda_item

S = CommentStatus
EN = {"Accept-Language": "en"}
FI = {"Accept-Language": "fi"}


def _agenda(event_id):
    """Two agenda items of their own for the forum ``event_id``."""
    return [agenda_item(10 * event_id + 1, 1), agenda_item(10 * event_id + 2, 2)]


def _report(app, comment_id):
    """Someone reported the comment."""
    with app.app_context():
        db.session.add(Report(comment_id=comment_id, reason=ReportReason.SPAM))
        db.session.commit()


@pytest.fixture
def two_forums(app, create_forum, create_comment):
    """Forum 1 with comments in several states on both topics; forum 2 with one pending."""
    first, second = create_forum(event_id=1, agenda=_agenda(1))
    approved = create_comment(first, author_name="Maija <b>Secret</b>")
    create_comment(first, status=S.APPROVED, parent_id=approved)
    create_comment(second, status=S.PENDING, personal_data_flag="email address")
    create_comment(second, status=S.REJECTED)
    hidden = create_comment(first, status=S.HIDDEN)
    create_comment(first, status=S.UNCONFIRMED)
    _report(app, approved)
    _report(app, approved)
    _report(app, hidden)
    [other, _] = create_forum(event_id=2, agenda=_agenda(2))
    create_comment(other, status=S.PENDING)
    return 1, 2


def test_a_forums_comments_are_counted_by_status(client, two_forums):
    response = client.get("/api/v1/forums/1/comment-counts")
    assert response.status_code == 200
    assert response.json == {
        "forum_id": 1, "total": 6, "reported": 2, "personal_data_flagged": 1,
        "by_status": {"unconfirmed": 1, "pending": 1, "approved": 2, "rejected": 1,
                      "hidden": 1, "expired": 0}}
    assert "Maija" not in response.get_data(as_text=True)  # numbers only


def test_a_forum_without_comments_counts_zeros(client, create_forum):
    create_forum(event_id=5)
    counts = client.get("/api/v1/forums/5/comment-counts").json
    assert counts["total"] == 0 and set(counts["by_status"].values()) == {0}


def test_several_forums_in_the_order_asked_and_unknown_ids_named(client, two_forums):
    answer = client.get("/api/v1/comment-counts?forum_ids=2,99,1,2").json
    assert [f["forum_id"] for f in answer["forums"]] == [2, 1]
    assert answer["forums"][0]["by_status"]["pending"] == 1
    assert answer["forums"][1]["total"] == 6
    assert answer["unknown_forum_ids"] == [99]


def test_an_unknown_forum_is_404_with_the_field_in_the_users_language(client, two_forums):
    response = client.get("/api/v1/forums/99/comment-counts", headers=EN)
    assert response.status_code == 404
    assert response.json["errors"] == {"forum_id": ["There is no forum with this id."]}
    finnish = client.get("/api/v1/forums/99/comment-counts", headers=FI).json
    assert finnish["errors"]["forum_id"] != ["There is no forum with this id."]


@pytest.mark.parametrize("query", [
    "", "?forum_ids=", "?forum_ids=a", "?forum_ids=1,,2", "?forum_ids=1;2", "?forum_ids=-1",
    "?forum_ids=0", "?forum_ids=1.5", "?forum_ids=%3Cb%3E1%3C/b%3E", "?forum_ids=" + "9" * 5000,
    "?forum_ids=2147483648", "?forum_ids=" + ",".join(map(str, range(1, 102))),
])
def test_bad_ids_are_422_by_field(client, two_forums, query):
    response = client.get(f"/api/v1/comment-counts{query}", headers=EN)
    assert response.status_code == 422
    assert list(response.json["errors"]) == ["forum_ids"]


def test_too_many_ids_says_the_limit_in_finnish(client):
    ids = ",".join(map(str, range(1, 102)))
    response = client.get(f"/api/v1/comment-counts?forum_ids={ids}", headers=FI)
    assert response.status_code == 422
    [message] = response.json["errors"]["forum_ids"]
    assert "100" in message and "at most" not in message


def _statements(app, client, ids):
    """How many SQL statements the list answer for ``ids`` ran."""
    with recording(engine_for(app.config["FEEDBACK_DATABASE_URL"])) as seen:
        assert client.get(f"/api/v1/comment-counts?forum_ids={ids}").status_code == 200
    return len([s for s, _p in seen if s.lstrip().upper().startswith("SELECT")])


def test_the_statements_do_not_grow_with_the_forums(app, client, create_forum, create_comment):
    for event_id in range(1, 7):
        topic, _ = create_forum(event_id=event_id, agenda=_agenda(event_id))
        create_comment(topic, status=S.PENDING)
        create_comment(topic)
    one = _statements(app, client, "1")
    assert _statements(app, client, "1,2,3,4,5,6") == one == 2


def test_the_counts_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert {"/api/v1/forums/{forum_id}/comment-counts", "/api/v1/comment-counts"} <= set(paths)
    assert "422" in paths["/api/v1/comment-counts"]["get"]["responses"]

