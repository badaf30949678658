"""The comment life cycle: submit, confirm once, reply, report, expire, and the emails it writes."""

import datetime as dt

import pytest
import sqlalchemy as sa

from services.feedback import comments, emails, tasks
from services.feedback.models import Comment, CommentStatus, Report, Topic, db
from shared import tokens
from shared.contracts import SCHEMAS, notify
from shared.db import utcnow
from shared.mail import render_email

DATA = {"name": "Maija Meikäläinen", "organisation": "Hoiva Oy", "email": "maija@example.fi",
        "text": "The budget needs **more** home care.", "business_id": None,
        "on_behalf_of_organisation": True}



def submit(topic_id, parent_id=None, **changes):
    """Submit a comment in an app context and commit; returns (comment id, created)."""
    topic = db.session.get(Topic, topic_id)
    parent = db.session.get(Comment, parent_id) if parent_id else None
    comment, created = comments.submit(topic, {**DATA, **changes}, "sv", parent=parent)
    db.session.commit()
    return comment.id, created


def confirm_token(outbox):
    """The token of the newest confirmation email."""
    payload = [p for p in outbox(notify.SEND_EMAIL) if p["template"] == "comment_confirm"][-1]
    return payload["context"]["confirm_url"].rsplit("/", 1)[1]


def test_a_submitted_comment_is_unconfirmed_and_its_author_gets_the_link(app, topic_id, outbox):
    with app.app_context():
        comment_id, created = submit(topic_id)
        comment = db.session.get(Comment, comment_id)
        assert created and comment.status == CommentStatus.UNCONFIRMED
        assert (comment.author_email, comment.locale, comment.on_behalf_of_organisation) == (
            "maija@example.fi", "sv", True)
        assert comment.submitted_at is None and comment.personal_data_flag is None
    [email] = outbox(notify.SEND_EMAIL)
    assert (email["to"], email["locale"], email["template"]) == (
        "maija@example.fi", "sv", "comment_confirm")
    context = email["context"]
    assert context["confirm_url"].startswith("http://localhost/feedback/confirm/")
    assert context["topic_url"] == f"http://localhost/feedback/topics/{topic_id}"
    assert (context["event_title"], context["topic_title"], context["valid_hours"]) == (
        "Autumn provider forum", "Item 1", 48)


def test_confirming_puts_the_comment_in_the_queue_once(app, topic_id, outbox):
    with app.app_context():
        comment_id, _ = submit(topic_id)
        token = confirm_token(outbox)
        comments.confirm(token)
        db.session.commit()
        comment = db.session.get(Comment, comment_id)
        assert comment.status == CommentStatus.PENDING and comment.submitted_at is not None
        with pytest.raises(comments.NotConfirmable):
            comments.confirm(token)
        # even if the comment were unconfirmed again, the spent link opens nothing
        comment.status = CommentStatus.UNCONFIRMED
        db.session.commit()
        with pytest.raises(tokens.TokenInvalid):
            comments.confirm(token)


def test_an_expired_or_forged_link_confirms_nothing(make_app, create_forum, outbox):
    app = make_app("feedback", COMMENT_CONFIRM_HOURS=-1)  # every link is already too old
    topic_id = create_forum()[0]
    with app.app_context():
        comment_id, _ = submit(topic_id)
        with pytest.raises(tokens.TokenExpired):
            comments.confirm(confirm_token(outbox))
        with pytest.raises(tokens.TokenInvalid):
            comments.confirm(confirm_token(outbox)[:-2] + "xx")
        forged = tokens.sign("registration_manage", comment_id=comment_id)  # another purpose
        with pytest.raises(tokens.TokenInvalid):
            comments.comment_for_token(forged)
        assert db.session.get(Comment, comment_id).status == CommentStatus.UNCONFIRMED


def test_the_same_comment_sent_twice_is_taken_once(app, topic_id, outbox):
    with app.app_context():
        first, created = submit(topic_id)
        second, again = submit(topic_id)
        assert (first, created, again) == (second, True, False)
        third, _ = submit(topic_id, text="Another point.")
        assert third != first
    assert len(outbox(notify.SEND_EMAIL)) == 2


def test_a_closed_or_unopened_topic_takes_no_comments(app, create_forum, count_rows):
    past = utcnow() - dt.timedelta(days=30)
    closed = create_forum(event_id=1, starts_at=past, ends_at=past + dt.timedelta(hours=2))[0]
    future = utcnow() + dt.timedelta(days=3)
    unopened = create_forum(event_id=2, starts_at=future, agenda=[
        {"id": 9, "position": 1, "title": "Later"}])[0]
    with app.app_context():
        for topic_id in (closed, unopened):
            with pytest.raises(comments.WindowClosed):
                submit(topic_id)
            db.session.rollback()
    assert count_rows() == (0, 0, 0)


def test_a_comment_with_personal_data_is_flagged_for_the_moderator(app, topic_id):
    with app.app_context():
        comment_id, _ = submit(topic_id, text="Call 131052-308T or write to pekka@example.fi")
        assert db.session.get(Comment, comment_id).personal_data_flag == "email,henkilotunnus"


# -- replies


def test_a_reply_answers_an_approved_top_level_comment(app, topic_id, create_comment, outbox):
    parent = create_comment(topic_id)
    with app.app_context():
        reply_id, _ = submit(topic_id, parent_id=parent, text="I agree.")
        reply = db.session.get(Comment, reply_id)
        assert (reply.parent_id, reply.status) == (parent, CommentStatus.UNCONFIRMED)
        comments.confirm(confirm_token(outbox))
        assert reply.status == CommentStatus.PENDING
    assert outbox(notify.SEND_EMAIL)[-1]["context"]["is_reply"] is True


@pytest.mark.parametrize("status", [CommentStatus.UNCONFIRMED, CommentStatus.PENDING,
                                    CommentStatus.REJECTED, CommentStatus.HIDDEN,
                                    CommentStatus.EXPIRED])
def test_only_approved_comments_take_replies(app, topic_id, create_comment, status, count_rows):
    parent = create_comment(topic_id, status=status)
    before = count_rows()
    with app.app_context(), pytest.raises(comments.NotRepliable):
        submit(topic_id, parent_id=parent)
    assert count_rows() == before


def test_a_reply_to_a_reply_is_refused(app, topic_id, create_comment):
    parent = create_comment(topic_id)
    reply = create_comment(topic_id, parent_id=parent)
    with app.app_context(), pytest.raises(comments.NotRepliable):
        submit(topic_id, parent_id=reply)


# -- reports


def test_a_visible_comment_can_be_reported(app, topic_id, create_comment):
    comment_id = create_comment(topic_id)
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        comments.report(comment, {"reason": "other", "details": "Off the record"})
        db.session.commit()
        report = db.session.scalar(sa.select(Report))
        assert (report.comment_id, report.reason, report.details, report.resolved_at) == (
            comment_id, "other", "Off the record", None)


@pytest.mark.parametrize("status", [CommentStatus.PENDING, CommentStatus.HIDDEN,
                                    CommentStatus.REJECTED])
def test_an_invisible_comment_cannot_be_reported(app, topic_id, create_comment, status):
    comment_id = create_comment(topic_id, status=status)
    with app.app_context(), pytest.raises(comments.NotVisible):
        comments.report(db.session.get(Comment, comment_id), {"reason": "spam"})


def test_a_reply_under_a_hidden_comment_is_not_visible(app, topic_id, create_comment):
    parent = create_comment(topic_id, status=CommentStatus.HIDDEN)
    reply = create_comment(topic_id, parent_id=parent)
    with app.app_context(), pytest.raises(comments.NotVisible):
        comments.report(db.session.get(Comment, reply), {"reason": "spam"})


# -- expiry


def test_unconfirmed_comments_expire_after_48_hours(app, topic_id, create_comment):
    now = utcnow()
    old = create_comment(topic_id, status=CommentStatus.UNCONFIRMED,
                         created_at=now - dt.timedelta(hours=49))
    fresh = create_comment(topic_id, status=CommentStatus.UNCONFIRMED,
                           created_at=now - dt.timedelta(hours=47))
    pending = create_comment(topic_id, status=CommentStatus.PENDING,
                             created_at=now - dt.timedelta(hours=72))
    with app.app_context():
        assert tasks.expire_comments() == 1
        states = {c.id: c.status for c in db.session.scalars(sa.select(Comment))}
    assert states == {old: CommentStatus.EXPIRED, fresh: CommentStatus.UNCONFIRMED,
                      pending: CommentStatus.PENDING}


def test_an_expired_comment_cannot_be_confirmed(app, topic_id, outbox):
    with app.app_context():
        comment_id, _ = submit(topic_id)
        assert comments.expire_unconfirmed(now=utcnow() + dt.timedelta(hours=49)) == 1
        db.session.commit()
        with pytest.raises(comments.NotConfirmable) as refused:
            comments.confirm(confirm_token(outbox))
        assert refused.value.comment.id == comment_id


# -- the decision emails (moderation calls them)


def test_approved_and_rejected_emails(app, topic_id, create_comment, outbox):
    comment_id = create_comment(topic_id, decision_reason="Contains advertising.")
    with app.app_context():
        comment = db.session.get(Comment, comment_id)
        emails.comment_approved(comment)
        emails.comment_rejected(comment)
        emails.comment_rejected(comment, "Off topic.")
        db.session.commit()
    approved, rejected, other = outbox(notify.SEND_EMAIL)
    assert approved["template"] == "comment_approved"
    assert approved["context"]["comment_url"].endswith(f"/topics/{topic_id}#comment-{comment_id}")
    assert (rejected["template"], rejected["context"]["reason"]) == (
        "comment_rejected", "Contains advertising.")
    assert other["context"]["reason"] == "Off topic."


def test_notify_renders_every_email_feedback_writes(app, make_app, topic_id, create_comment,
                                                    outbox):
    comment_id = create_comment(topic_id, body="Text <b>bold</b>", locale="fi")
    with app.app_context():
        submit(topic_id)
        comment = db.session.get(Comment, comment_id)
        emails.comment_approved(comment)
        emails.comment_rejected(comment, "Reason <script>")
        db.session.commit()
    notify_app = make_app("notify")
    with notify_app.app_context():
        for payload in outbox(notify.SEND_EMAIL):
            data = SCHEMAS[notify.SEND_EMAIL]().load(payload)
            subject, text, html = render_email(f"notify/email/{data['template']}",
                                               data["locale"], **data["context"])
            assert "Autumn provider forum" in subject and "Item 1" in text
            assert "<script>" not in html and "<b>bold" not in html
            if data["template"] == "comment_confirm":
                assert data["context"]["confirm_url"] in text and data["context"]["confirm_url"] in html
            if data["template"] == "comment_rejected":
                assert "Reason <script>" in text and "Reason &lt;script&gt;" in html
