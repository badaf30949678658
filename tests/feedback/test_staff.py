"""The moderation staff pages: queue tabs, decisions one by one and in bulk, detail, audit trail."""

import datetime as dt
import re

import pytest

from services.feedback.models import CommentStatus
from shared.db import utcnow
from shared.testing.fixtures import login_as
from tests.feedback.moderating import add_report, comment, decisions, open_reports
from tests.registration.builders import english, fast_passwords  # noqa: F401 - a fixture


@pytest.fixture
def moderator(staff_client):
    """A moderator's client, reading English."""
    return staff_client("moderator")



def text(response):
    """The response body as text."""
    return response.get_data(as_text=True)


def test_the_pending_tab_shows_counts_waiting_time_and_the_personal_data_flag(
        app, moderator, topic_id, create_comment):
    old = utcnow() - dt.timedelta(days=8)
    create_comment(topic_id, status=CommentStatus.PENDING, body="Call me at maija@example.fi",
                   personal_data_flag="email", submitted_at=old, author_name="Old Author")
    create_comment(topic_id, status=CommentStatus.PENDING, body="Fresh", author_name="New Author")
    reported = create_comment(topic_id, body="Reported one")
    add_report(app, reported)
    page = text(moderator.get("/staff/moderation"))
    assert "Waiting for moderation (2)" in re.sub(r"\s+", " ", re.sub("<[^>]+>", "", page))
    assert "Reported (1)" in re.sub(r"\s+", " ", re.sub("<[^>]+>", "", page))
    assert page.index("Old Author") < page.index("New Author")
    assert "Possible personal data:" in page and "Overdue" in page
    assert "Waiting for 1 week" in page
    assert 'name="comment_id"' in page and 'form="bulk-form"' in page


def test_the_reported_tab_lists_reasons(app, moderator, topic_id, create_comment):
    cid = create_comment(topic_id, body="Buy cheap pills")
    add_report(app, cid, "spam")
    add_report(app, cid, "other", "Advertising")
    page = text(moderator.get("/staff/moderation?queue=reported"))
    assert "2 open reports:" in page and "Spam or advertising, Something else" in page
    assert "Dismiss the reports" in page and "Hide" in page


def test_approve_from_the_queue(app, moderator, topic_id, create_comment, outbox):
    cid = create_comment(topic_id, status=CommentStatus.PENDING, body="Good point")
    response = moderator.post(f"/staff/comments/{cid}/decision",
                              data={"action": "approve", "queue": "pending"})
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/staff/moderation?queue=pending")
    assert comment(app, cid).status == CommentStatus.APPROVED
    assert [p["template"] for p in outbox("notify.send_email")] == ["comment_approved"]
    assert "Approved: the comment by" in text(moderator.get("/staff/moderation"))
    assert "Good point" in text(app.test_client().get(f"/topics/{topic_id}"))


def test_reject_without_a_reason_shows_the_error_next_to_the_field(app, moderator, topic_id,
                                                                   create_comment, outbox):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    response = moderator.post(f"/staff/comments/{cid}/decision",
                              data={"action": "reject", "reason": "  ", "queue": "pending"})
    assert response.status_code == 422
    assert f'id="reject-{cid}-reason-error"' in text(response) and "Give a reason." in text(response)
    assert comment(app, cid).status == CommentStatus.PENDING and outbox() == []


def test_a_double_submit_is_refused_with_409(app, moderator, topic_id, create_comment, outbox):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    form = {"action": "reject", "reason": "Spam", "queue": "pending"}
    assert moderator.post(f"/staff/comments/{cid}/decision", data=form).status_code == 302
    again = moderator.post(f"/staff/comments/{cid}/decision", data=form)
    assert again.status_code == 409 and "already been rejected" in text(again)
    assert len(decisions(app)) == 1 and len(outbox()) == 1


@pytest.mark.parametrize("form", [{"action": "publish"}, {}, {"action": "approve" * 1000}])
def test_unknown_actions_are_refused(app, moderator, topic_id, create_comment, form):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    response = moderator.post(f"/staff/comments/{cid}/decision", data=form)
    assert response.status_code == 422 and "Choose what to do." in text(response)
    assert comment(app, cid).status == CommentStatus.PENDING


def test_unknown_comments_are_not_found(moderator):
    assert moderator.get("/staff/comments/999999").status_code == 404
    assert moderator.post("/staff/comments/999999/decision", data={"action": "approve"}).status_code == 404
    assert moderator.get(f"/staff/comments/{2**63}").status_code == 404
    assert moderator.post(f"/staff/comments/{2**31}/decision", data={"action": "approve"}).status_code == 404


def test_a_reason_with_a_control_character_is_refused_next_to_the_field(app, moderator, topic_id,
                                                                        create_comment, outbox):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    response = moderator.post(f"/staff/comments/{cid}/decision",
                              data={"action": "reject", "reason": "Off\x00topic", "queue": "pending"})
    assert response.status_code == 422 and f'id="reject-{cid}-reason-error"' in text(response)
    assert "characters that are not allowed" in text(response)
    assert comment(app, cid).status == CommentStatus.PENDING and outbox() == [] and decisions(app) == []


def test_hide_and_dismiss_from_the_reported_tab(app, moderator, topic_id, create_comment):
    hidden, kept = create_comment(topic_id, body="Bad"), create_comment(topic_id, body="Fine")
    add_report(app, hidden)
    add_report(app, kept)
    response = moderator.post(f"/staff/comments/{hidden}/decision",
                              data={"action": "hide", "reason": "Insults", "queue": "reported"})
    assert response.headers["Location"].endswith("queue=reported")
    moderator.post(f"/staff/comments/{kept}/decision",
                   data={"action": "dismiss_reports", "queue": "reported"})
    assert comment(app, hidden).status == CommentStatus.HIDDEN
    assert comment(app, kept).status == CommentStatus.APPROVED and open_reports(app, kept) == 0
    assert "Nothing is waiting here." in text(moderator.get("/staff/moderation?queue=reported"))


def test_bulk_reject_with_one_reason(app, moderator, topic_id, create_comment, outbox):
    ids = [create_comment(topic_id, status=CommentStatus.PENDING, body=f"Ad {n}") for n in range(3)]
    response = moderator.post("/staff/moderation/bulk", data={
        "comment_id": [str(i) for i in ids[:2]], "action": "reject", "reason": "Advertising"})
    assert response.status_code == 302
    assert [comment(app, i).status for i in ids] == [CommentStatus.REJECTED] * 2 + [CommentStatus.PENDING]
    mails = outbox("notify.send_email")
    assert len(mails) == 2 and all(m["context"]["reason"] == "Advertising" for m in mails)


@pytest.mark.parametrize("form, field, message", [
    ({"action": "reject", "reason": ""}, "bulk-reason", "Give a reason."),
    ({"action": "hide", "reason": "x"}, "bulk-action", "Choose what to do."),
    ({"action": "approve", "comment_id": []}, "bulk-comments", "Tick at least one comment."),
    ({"action": "approve", "comment_id": ["x"]}, "bulk-comments", "Tick at least one comment."),
    ({"action": "approve", "comment_id": [str(2**63)]}, "bulk-comments", "Tick at least one comment."),
    ({"action": "approve", "comment_id": ["999999"]}, "bulk-comments", "There is no comment 999999."),
    ({"action": "reject", "reason": "Spam\x00"}, "bulk-reason", "characters that are not allowed"),
])
def test_bad_bulk_input_changes_nothing(app, moderator, topic_id, create_comment, outbox, form,
                                        field, message):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    form.setdefault("comment_id", [str(cid)])
    response = moderator.post("/staff/moderation/bulk", data=form)
    assert response.status_code == 422
    assert f'id="{field}' in text(response) and message in text(response)
    assert comment(app, cid).status == CommentStatus.PENDING and outbox() == []


def test_bulk_with_an_already_decided_comment_decides_none(app, moderator, topic_id, create_comment):
    pending = create_comment(topic_id, status=CommentStatus.PENDING)
    done = create_comment(topic_id, body="done")
    response = moderator.post("/staff/moderation/bulk", data={
        "comment_id": [str(pending), str(done)], "action": "approve"})
    assert response.status_code == 409 and "already been approved" in text(response)
    assert comment(app, pending).status == CommentStatus.PENDING and decisions(app) == []


def test_the_detail_page_shows_reports_and_history(app, moderator, topic_id, create_comment):
    cid = create_comment(topic_id, body="Detailed <script>alert(1)</script>")
    add_report(app, cid, "other", "It names <b>someone</b>")
    moderator.post(f"/staff/comments/{cid}/decision", data={"action": "hide", "reason": "Names",
                                                             "queue": "detail"})
    page = text(moderator.get(f"/staff/comments/{cid}"))
    assert "Hidden" in page and "Something else" in page and "Names" in page
    assert "<script>alert(1)" not in page and "<b>someone</b>" not in page
    assert "maija@example.fi" in page  # the moderator sees the author's address


def test_the_audit_trail_is_for_admins(app, moderator, topic_id, create_comment):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    moderator.post(f"/staff/comments/{cid}/decision", data={"action": "approve"})
    assert moderator.get("/staff/audit").status_code == 403
    admin = english(app)
    login_as(app, admin, "admin")
    page = text(admin.get("/staff/audit"))
    assert f"#{cid}" in page and "Approved" in page and "Staff moderator" not in page
    assert re.search(r"staff\d+@example\.fi", page)



@pytest.mark.parametrize("before", [str(2**63), str(2**31), "0", "-1", "x"])
def test_the_audit_trail_refuses_a_start_that_is_not_an_id(app, before):
    admin = english(app)
    login_as(app, admin, "admin")
    assert admin.get(f"/staff/audit?before={before}").status_code == 422


def test_queue_pages_follow_the_cursor(app, moderator, topic_id, create_comment):
    for n in range(3):
        create_comment(topic_id, status=CommentStatus.PENDING, author_name=f"Author {n}",
                       submitted_at=utcnow() - dt.timedelta(hours=5 - n))
    first = text(moderator.get("/staff/moderation?limit=2"))
    assert "Author 0" in first and "Author 2" not in first
    after = re.search(r'after=([^"&]+)', first).group(1)
    second = text(moderator.get(f"/staff/moderation?limit=2&after={after}"))
    assert "Author 2" in second and "Author 0" not in second
    assert moderator.get("/staff/moderation?after=garbage").status_code == 400
    assert moderator.get(f"/staff/moderation?after=1_{2**63}").status_code == 400
    assert moderator.get("/staff/moderation?after=\u00b2_1").status_code == 400
    assert moderator.get("/staff/moderation?queue=nope").status_code == 404


def _token(page):
    """The CSRF token of a page's first form."""
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def test_forms_carry_a_csrf_token_and_are_refused_without_one(app, make_app, topic_id,
                                                              create_comment):
    from shared.testing.fixtures import create_staff

    guarded = make_app("feedback", WTF_CSRF_ENABLED=True)
    client = english(guarded)
    email, password = create_staff(guarded, "moderator")
    login_page = text(client.get("/staff/login"))
    client.post("/staff/login", data={"email": email, "password": password,
                                      "csrf_token": _token(login_page)})
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    page = text(client.get("/staff/moderation"))
    assert page.count('name="csrf_token"') >= 3
    assert client.post(f"/staff/comments/{cid}/decision", data={"action": "approve"}).status_code == 400
    assert client.post("/staff/moderation/bulk", data={"action": "approve",
                                                      "comment_id": str(cid)}).status_code == 400
    assert comment(app, cid).status == CommentStatus.PENDING
    ok = client.post(f"/staff/comments/{cid}/decision",
                     data={"action": "approve", "csrf_token": _token(page)})
    assert ok.status_code == 302 and comment(app, cid).status == CommentStatus.APPROVED


def test_each_queue_page_has_the_readers_own_token_and_language(app, topic_id, create_comment):
    create_comment(topic_id, status=CommentStatus.PENDING, submitted_at=utcnow())
    english_reader, finnish_reader = english(app), app.test_client()
    finnish_reader.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fi"
    pages = []
    for client in (english_reader, finnish_reader):
        login_as(app, client, "moderator")
        pages.append(client.get("/staff/moderation?queue=pending").get_data(as_text=True))
    tokens = [set(re.findall(r'name="csrf_token" value="([^"]+)"', page)) for page in pages]
    assert all(len(found) == 1 for found in tokens) and tokens[0] != tokens[1]
    assert ">Approve</button>" in pages[0] and ">Approve</button>" not in pages[1]
