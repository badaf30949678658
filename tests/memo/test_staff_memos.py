"""The secretary's memo pages: the list, a hand-started draft over the real APIs, submitting,
who has answered, and publishing (refused without the working group's approval)."""

import re

import pytest
import sqlalchemy as sa

from services.memo import review
from services.memo.models import Memo, MemoState, Publication, ReviewRound, db
from shared.contracts import events
from shared.testing.fixtures import login_as
from tests.memo.builders import drafted_memo, outbox, working_group
from tests.memo.published import published_memo
from tests.memo.sources import APPROVED, Services, comment_and_close, held_forum
from tests.memo.staff import client_of, memo_in_review
from tests.registration.builders import english


def squash(page):
    """The page's HTML with each run of whitespace as one space."""
    return re.sub(r"\s+", " ", page)


def _memo(app, memo_id):
    """The stored memo (in a fresh session)."""
    with app.app_context():
        memo = db.session.get(Memo, memo_id)
        return memo.state, len(memo.publications), len(memo.versions)


def test_the_list_shows_each_forum_with_its_memo(app, staff_client):
    with app.app_context():
        memo_id = drafted_memo()
    page = squash(staff_client("secretary").get("/staff/memos").get_data(as_text=True))
    assert f'<a href="/staff/memos/{memo_id}">Draft</a>' in page
    assert "Not submitted yet" in page


@pytest.fixture
def services(make_app):
    """registration and feedback served over HTTP."""
    with Services(make_app) as running:
        yield running


def test_a_secretary_starts_the_draft_of_a_forum_memo_never_heard_of(make_app, services):
    memo_app = make_app("memo", PUBLIC_URL=services.url, DEFAULT_LOCALE="en")
    event_id, announcement = held_forum(services, days_ago=200, title="Spring forum")
    comment_and_close(services, announcement, [
        (1, APPROVED, {"organisation": "Hoiva Oy", "author_name": "Maija M", "body": "Index it."})])
    client = english(memo_app)
    login_as(memo_app, client, "secretary")
    response = client.post("/staff/forums/memo", data={"forum_id": str(event_id)})
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h1>Memo: Spring forum</h1>" in page and "The memo was drafted." in page
    assert "1 approved comment: Hoiva Oy (1)" in page
    again = client.post(f"/staff/forums/{event_id}/memo")
    assert again.status_code == 409
    assert "This forum has a memo already." in again.get_data(as_text=True)


def test_a_bad_forum_number_is_shown_next_to_the_field(app, staff_client):
    response = staff_client("secretary").post("/staff/forums/memo", data={"forum_id": "abc"})
    assert response.status_code == 422
    page = squash(response.get_data(as_text=True))
    assert '<p class="field-error" id="forum_id-error"> Enter a whole number.</p>' in page
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Memo.id))) == 0


def test_submitting_opens_a_round_and_the_page_shows_who_answered(app, staff_client):
    with app.app_context():
        members = working_group(3)
        memo_id = drafted_memo()
    secretary = staff_client("secretary")
    assert secretary.post(f"/staff/memos/{memo_id}/submit").status_code == 302
    with app.app_context():
        review.approve(memo_id, members[0])
        review.request_changes(memo_id, members[1], "Name the chair.", paragraph=1)
        db.session.commit()
    page = squash(secretary.get(f"/staff/memos/{memo_id}").get_data(as_text=True))
    assert "1 of 3 members approved; 2 approvals are needed." in page
    assert "Member 00<br><span class=\"meta\">Provider 0</span></th> <td>Approved</td>" in page
    assert "<td>Requested changes</td> <td>Paragraph 1: Name the chair.</td>" in page
    assert "Member 02<br><span class=\"meta\">Provider 2</span></th> <td>Not answered yet</td>" in page


def test_submitting_twice_is_refused_and_changes_nothing(app, staff_client):
    memo_id, _secretary, _members = memo_in_review(app)
    response = staff_client("secretary").post(f"/staff/memos/{memo_id}/submit")
    assert response.status_code == 409
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(ReviewRound.id))) == 1


def test_publishing_is_refused_without_approval(app, staff_client):
    memo_id, _secretary, _members = memo_in_review(app)
    client = staff_client("secretary")
    page = client.get(f"/staff/memos/{memo_id}").get_data(as_text=True)
    assert 'disabled aria-disabled="true" aria-describedby="publish-hint">Publish</button>' in page
    response = client.post(f"/staff/memos/{memo_id}/publish")
    assert response.status_code == 409
    assert "Only a version the working group has approved can be published." in \
        response.get_data(as_text=True)
    assert _memo(app, memo_id)[:2] == (MemoState.IN_REVIEW, 0)
    with app.app_context():
        assert outbox(events.MEMO_PUBLISHED) == []


def test_an_approved_memo_is_published_from_its_page(app, staff_client):
    memo_id, _secretary, members = memo_in_review(app)
    for user in members[:2]:
        client_of(app, user).post(f"/staff/memos/{memo_id}/review", data={"decision": "approve"})
    client = staff_client("secretary")
    page = client.get(f"/staff/memos/{memo_id}").get_data(as_text=True)
    assert "disabled" not in page.split('/publish">')[1].split("</form>")[0]
    assert client.post(f"/staff/memos/{memo_id}/publish").status_code == 302
    assert _memo(app, memo_id)[:2] == (MemoState.PUBLISHED, 1)
    with app.app_context():
        assert len(outbox(events.MEMO_PUBLISHED)) == 1
        assert db.session.scalar(sa.select(sa.func.count(Publication.id))) == 1
    history = client.get(f"/staff/memos/{memo_id}/history").get_data(as_text=True)
    assert "Published → Published" in history and "Submitted for review → In review" in history


def test_a_correction_started_from_the_page_goes_through_review_and_is_published_corrected(app):
    with app.app_context():
        memo_id, first_id, secretary, members = published_memo()
    client = client_of(app, secretary)
    page = client.get(f"/staff/memos/{memo_id}").get_data(as_text=True)
    assert f'action="/staff/memos/{memo_id}/correction"' in page
    assert ">Start a correction</button>" in page
    started = client.post(f"/staff/memos/{memo_id}/correction")
    assert started.status_code == 302
    assert started.headers["Location"] == f"/staff/memos/{memo_id}/edit"
    editor = client.get(started.headers["Location"]).get_data(as_text=True)
    assert "A correction was started" in editor
    assert _memo(app, memo_id) == (MemoState.DRAFT, 1, 2)
    with app.app_context():
        body = db.session.get(Memo, memo_id).latest.body
    corrected_body = body + "\n\nCorrection: the meeting ended at 16.\n"
    saved = client.post(f"/staff/memos/{memo_id}/edit", data={"body": corrected_body})
    assert saved.status_code == 302
    assert client.post(f"/staff/memos/{memo_id}/submit").status_code == 302
    # the correction is a new round: the earlier approvals do not carry over
    assert client.post(f"/staff/memos/{memo_id}/publish").status_code == 409
    for user in members:
        client_of(app, user).post(f"/staff/memos/{memo_id}/review", data={"decision": "approve"})
    assert client.post(f"/staff/memos/{memo_id}/publish").status_code == 302
    assert _memo(app, memo_id) == (MemoState.CORRECTED, 2, 3)
    with app.app_context():
        second_id = db.session.get(Memo, memo_id).publication.id
        assert [p["kind"] for p in outbox(events.MEMO_PUBLISHED)] == ["published", "corrected"]
    page = squash(client.get(f"/staff/memos/{memo_id}").get_data(as_text=True))
    assert f'href="http://localhost/memo/memos/{memo_id}/publications/{first_id}"' in page
    assert f'publications/{second_id}">Version 3,' in page and "(Published as corrected)" in page
    public = english(app).get(f"/memos/{memo_id}").get_data(as_text=True)
    assert "Correction: the meeting ended at 16." in public
    assert f'href="http://localhost/memo/memos/{memo_id}/publications/{first_id}"' in public


def test_only_a_published_memo_can_be_corrected_from_the_page(app, staff_client):
    memo_id, _secretary, _members = memo_in_review(app)
    client = staff_client("secretary")
    assert "Start a correction" not in client.get(f"/staff/memos/{memo_id}").get_data(as_text=True)
    response = client.post(f"/staff/memos/{memo_id}/correction")
    assert response.status_code == 409
    assert "Only a published memo can be corrected." in response.get_data(as_text=True)
    assert _memo(app, memo_id) == (MemoState.IN_REVIEW, 0, 1)


def test_the_chair_and_secretary_named_on_the_page_show_in_the_draft_header(app, staff_client):
    with app.app_context():
        memo_id = drafted_memo()
        assert "- Puheenjohtaja: –\n- Sihteeri: –\n" in db.session.get(Memo, memo_id).latest.body
    client = staff_client("secretary")
    page = client.get(f"/staff/memos/{memo_id}").get_data(as_text=True)
    assert f'action="/staff/memos/{memo_id}/names"' in page
    response = client.post(f"/staff/memos/{memo_id}/names", data={
        "chair_name": "  Chair Person Kaisa  ", "secretary_name": "Secretary Sanna"})
    assert response.status_code == 302
    with app.app_context():
        memo = db.session.get(Memo, memo_id)
        assert (memo.chair_name, memo.secretary_name) == ("Chair Person Kaisa", "Secretary Sanna")
        assert len(memo.versions) == 2
        # the header lines are in the memo's language (Finnish by default)
        assert "- Puheenjohtaja: Chair Person Kaisa\n- Sihteeri: Secretary Sanna\n" in memo.latest.body
    page = client.get(f"/staff/memos/{memo_id}").get_data(as_text=True)
    assert "<li>Puheenjohtaja: Chair Person Kaisa</li>" in page and 'value="Secretary Sanna"' in page


def test_a_name_with_a_line_break_is_refused_next_to_its_field(app, staff_client):
    with app.app_context():
        memo_id = drafted_memo()
    response = staff_client("secretary").post(f"/staff/memos/{memo_id}/names", data={
        "chair_name": "Kaisa\nKassa", "secretary_name": "x" * 201})
    assert response.status_code == 422
    page = squash(response.get_data(as_text=True))
    assert 'id="chair_name-error"' in page and 'id="secretary_name-error"' in page
    assert "Use at most 200 characters." in page
    with app.app_context():
        memo = db.session.get(Memo, memo_id)
        assert (memo.chair_name, len(memo.versions)) == ("", 1)


def test_a_published_memo_keeps_its_names(app):
    with app.app_context():
        memo_id, _publication_id, secretary, _members = published_memo()
    client = client_of(app, secretary)
    assert 'id="chair_name"' not in client.get(f"/staff/memos/{memo_id}").get_data(as_text=True)
    response = client.post(f"/staff/memos/{memo_id}/names", data={"chair_name": "Late Chair"})
    assert response.status_code == 409
    with app.app_context():
        memo = db.session.get(Memo, memo_id)
        assert (memo.chair_name, len(memo.versions)) == ("", 1)
