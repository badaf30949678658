"""The draft: from a real ``feedback.window_closed`` message, or started by hand, over real APIs.

registration and feedback are real apps served on a local port; memo reads them over HTTP.
"""

import pytest
import sqlalchemy as sa

from services.memo import tasks
from services.memo.errors import SourceUnavailable
from services.memo.models import FollowUp, Forum, Memo, MemoState, db
from shared.auth import Role
from shared.contracts import events, notify
from shared.testing.fixtures import login_as
from tests.memo.builders import outbox, staff
from tests.memo.sources import APPROVED, PENDING, Services, comment_and_close, held_forum
from tests.registration.builders import english


@pytest.fixture
def services(make_app):
    """registration and feedback served over HTTP."""
    with Services(make_app) as running:
        yield running


@pytest.fixture
def memo_app(make_app, services):
    """The memo app (memos in English) with PUBLIC_URL, and so the APIs it reads, on the suite."""
    return make_app("memo", PUBLIC_URL=services.url, DEFAULT_LOCALE="en")


COMMENTS = [
    (1, APPROVED, {"organisation": "Hoiva Oy", "author_name": "Maija M",
                   "body": "The budget <b>ignores</b> home care."}),
    (1, APPROVED, {"organisation": "Care Ltd", "author_name": "Olli O", "body": "Agreed."}),
    (1, APPROVED, {"organisation": "Hoiva Oy", "author_name": "Aino A", "body": "Index the fees."}),
    (1, PENDING, {"organisation": "Secret Oy", "body": "Not yet moderated."}),
]


def _memo(forum_id):
    """The stored memo of the forum."""
    return db.session.scalar(sa.select(Memo).where(Memo.forum_id == forum_id))


def test_the_window_closed_message_drafts_the_memo_from_the_apis(services, memo_app):
    event_id, announcement = held_forum(services)
    closed = comment_and_close(services, announcement, COMMENTS)
    assert closed is not None
    with memo_app.app_context():
        secretary = staff(Role.SECRETARY)
        tasks.sync_forum(announcement)
        memo_id = tasks.draft_from_feedback(closed)
        memo = db.session.get(Memo, memo_id)
        body = memo.latest.body
        assert memo.state == MemoState.DRAFT and memo.forum_id == event_id
        assert memo.attendance == {"onsite": 3, "remote": 2, "checked_in": 2}
        assert "Place: Town hall, Kuopio" in body
        assert "Attendance: 3 on site, 2 remote, 2 checked in" in body
        assert "Comments: 3 from 2 organisations" in body
        # agenda order, each with its presenter, a notes section and its comments
        first, second = body.index("## 1. Budget 2027"), body.index("## 2. Procurement plan")
        assert first < second
        section = body[first:second]
        assert "Presenter: Finance director Kaisa Kassa" in section
        assert "### Discussion" in section
        assert "3 approved comments: Hoiva Oy (2), Care Ltd (1)" in section
        # the author's literal "<b>" stays text in the Markdown, as readers saw it, and each
        # quote ends in its signature, which links back to the comment
        assert (f"> The budget &lt;b&gt;ignores&lt;/b&gt; home care. — [Maija M, Hoiva Oy]"
                f"({services.url}/feedback/topics/") in section
        assert "Not yet moderated" not in body
        assert "No comments were received on this topic." in body[second:]
        # the presenters' addresses came with the announcement; a follow-up per agenda item
        assert [i.presenter_email for i in db.session.get(Forum, event_id).agenda] == [
            "kaisa@county.example", "pekka@county.example"]
        assert db.session.scalar(sa.select(sa.func.count(FollowUp.id))) == 2
        told = [p for p in outbox(notify.SEND_EMAIL) if p["template"] == "memo_drafted"]
        assert [p["to"] for p in told] == [secretary.email]
        assert told[0]["context"]["memo_url"] == f"{services.url}/memo/staff/memos/{memo_id}"
        assert len(outbox(events.MEMO_DRAFTED)) == 1


def test_a_redelivered_message_drafts_nothing_twice(services, memo_app):
    _event_id, announcement = held_forum(services)
    closed = comment_and_close(services, announcement, COMMENTS[:1])
    with memo_app.app_context():
        tasks.sync_forum(announcement)
        first = tasks.draft_from_feedback(closed)
        assert tasks.draft_from_feedback(closed) is None  # the same message: skipped
        again = dict(closed, message_id="5f0b7f4e-2a39-4c8e-9d77-1c3c1f0a3b11")
        assert tasks.draft_from_feedback(again) == first  # a new close of the same forum
        assert db.session.scalar(sa.select(sa.func.count(Memo.id))) == 1
        assert len(db.session.get(Memo, first).versions) == 1
        assert len(outbox(events.MEMO_DRAFTED)) == 1


def test_an_unanswering_feedback_api_stores_nothing_and_retries(services, memo_app):
    _event_id, announcement = held_forum(services)
    closed = comment_and_close(services, announcement, COMMENTS[:1])
    closed = dict(closed, comments_url="http://127.0.0.1:1/feedback/api/v1/forums/1/comments")
    with memo_app.app_context():
        with pytest.raises(SourceUnavailable):
            tasks.draft_from_feedback(closed)
        db.session.rollback()
        assert db.session.scalar(sa.select(sa.func.count(Memo.id))) == 0


def test_a_secretary_drafts_by_hand_a_forum_that_closed_before_memo_listened(services, memo_app):
    # memo never got this forum's event.published: it learns the forum from registration's API
    event_id, announcement = held_forum(services, days_ago=200, title="Spring forum")
    comment_and_close(services, announcement, COMMENTS[:2])
    client = english(memo_app)
    login_as(memo_app, client, "secretary")
    response = client.post(f"/api/v1/staff/forums/{event_id}/memo")
    assert response.status_code == 201, response.get_json()
    data = response.get_json()
    assert data["state"] == "draft" and data["title"] == "Spring forum"
    assert "2 approved comments: Care Ltd (1), Hoiva Oy (1)" in data["latest"]["body"]
    assert "Presenter: Finance director Kaisa Kassa" in data["latest"]["body"]
    again = client.post(f"/api/v1/staff/forums/{event_id}/memo")
    assert again.status_code == 409
    assert again.get_json()["message"] == "This forum has a memo already."


def test_a_forum_not_held_yet_gets_no_memo(services, memo_app):
    event_id, announcement = held_forum(services, days_ago=-10)
    with memo_app.app_context():
        tasks.sync_forum(announcement)
    client = english(memo_app)
    login_as(memo_app, client, "secretary")
    response = client.post(f"/api/v1/staff/forums/{event_id}/memo")
    assert response.status_code == 409
    assert response.get_json()["message"] == "The forum has not been held yet."
    with memo_app.app_context():
        assert _memo(event_id) is None
