"""The working group's pages: the queue, the review page with its diff, approving and asking for
changes through the page, and refusals that change nothing."""

import re

from services.memo import review, versions
from services.memo.models import Memo, MemoState, SignOff, db
from tests.memo.staff import client_of, memo_in_review


def squash(page):
    """The page's HTML with each run of whitespace as one space."""
    return re.sub(r"\s+", " ", page)


def _sign_offs(app):
    """(member name, decision, paragraph, comment) of every stored sign-off."""
    with app.app_context():
        return [(s.member.name, s.decision.value, s.paragraph, s.comment)
                for s in db.session.query(SignOff).order_by(SignOff.id)]


def test_a_member_lands_on_the_queue_and_sees_the_memo_waiting(app):
    memo_id, _secretary, members = memo_in_review(app)
    client = client_of(app, members[0])
    landing = client.post("/staff/login", data={"email": members[0].email, "password": "pw"})
    assert landing.headers["Location"] == "/memo/staff/reviews"
    page = client.get("/staff/reviews").get_data(as_text=True)
    assert f'href="/staff/memos/{memo_id}/review">Autumn provider forum</a>' in page


def test_the_queue_leaves_out_what_the_member_answered(app):
    memo_id, _secretary, members = memo_in_review(app)
    client = client_of(app, members[0])
    client.post(f"/staff/memos/{memo_id}/review", data={"decision": "approve"})
    assert "Nothing waits for your review." in client.get("/staff/reviews").get_data(as_text=True)
    assert "Autumn provider forum" in client_of(app, members[1]).get("/staff/reviews").get_data(
        as_text=True)


def test_approving_through_the_page_records_the_sign_off(app):
    memo_id, _secretary, members = memo_in_review(app)
    for user in members[:2]:
        response = client_of(app, user).post(f"/staff/memos/{memo_id}/review",
                                              data={"decision": "approve", "comment": "Fine."})
        assert response.status_code == 302
    assert _sign_offs(app) == [("Member 00", "approve", None, "Fine."),
                               ("Member 01", "approve", None, "Fine.")]
    with app.app_context():
        assert db.session.get(Memo, memo_id).state == MemoState.APPROVED


def test_a_request_for_changes_is_tied_to_a_paragraph(app):
    memo_id, _secretary, members = memo_in_review(app)
    client = client_of(app, members[0])
    page = client.get(f"/staff/memos/{memo_id}/review").get_data(as_text=True)
    assert '<option value="">The whole memo</option>' in page
    assert '<option value="2">Paragraph 2</option>' in page
    assert 'id="paragraph-2"' in page
    response = client.post(f"/staff/memos/{memo_id}/review", data={
        "decision": "request_changes", "paragraph": "2", "comment": "Name the chair."})
    assert response.status_code == 302
    assert _sign_offs(app) == [("Member 00", "request_changes", 2, "Name the chair.")]
    with app.app_context():
        assert db.session.get(Memo, memo_id).state == MemoState.CHANGES_REQUESTED


def test_a_request_for_changes_without_a_comment_changes_nothing(app):
    memo_id, _secretary, members = memo_in_review(app)
    response = client_of(app, members[0]).post(f"/staff/memos/{memo_id}/review", data={
        "decision": "request_changes", "paragraph": "", "comment": "  "})
    page = squash(response.get_data(as_text=True))
    assert response.status_code == 422
    assert '<p class="field-error" id="changes-comment-error"> Say what should change.</p>' in page
    assert 'id="changes-comment" name="comment" rows="4" required aria-required="true" ' \
           'aria-describedby="changes-comment-error" aria-invalid="true"' in page
    assert _sign_offs(app) == []


def test_an_unknown_paragraph_changes_nothing(app):
    memo_id, _secretary, members = memo_in_review(app)
    client = client_of(app, members[0])
    for paragraph in ("999", "x"):
        response = client.post(f"/staff/memos/{memo_id}/review", data={
            "decision": "request_changes", "paragraph": paragraph, "comment": "Change it."})
        assert response.status_code == 422
        assert 'id="changes-paragraph-error"' in response.get_data(as_text=True)
    assert _sign_offs(app) == []


def test_someone_outside_the_group_cannot_sign_off(app, staff_client):
    memo_id, _secretary, _members = memo_in_review(app)
    outsider = staff_client("working_group")
    page = outsider.get(f"/staff/memos/{memo_id}/review").get_data(as_text=True)
    assert "Only members of the working group of the current term can sign off." in page
    assert 'value="approve"' not in page
    response = outsider.post(f"/staff/memos/{memo_id}/review", data={"decision": "approve"})
    assert response.status_code == 403
    assert _sign_offs(app) == []


def test_the_review_page_shows_the_diff_against_the_version_reviewed_before(app):
    memo_id, secretary, members = memo_in_review(app)
    with app.app_context():
        review.request_changes(memo_id, members[0], "Add the decision.")
        memo = db.session.get(Memo, memo_id)
        versions.save_version(memo, memo.latest.body + "\nThe board decides in May.\n", secretary)
        review.submit_for_review(memo, secretary)
        db.session.commit()
    page = client_of(app, members[1]).get(f"/staff/memos/{memo_id}/review").get_data(as_text=True)
    assert "Changes since version 1, reviewed before" in page
    assert '<ins class="diff-line">The board decides in May.</ins>' in page
    assert "Version 2, sent for review" in page
