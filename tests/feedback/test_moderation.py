"""Moderation decisions (services.feedback.moderation): transitions, emails, the audit rows."""

import datetime as dt

import pytest

from services.feedback import moderation
from services.feedback.models import CommentStatus, ModerationAction, db
from tests.feedback.moderating import MODERATOR, add_report, comment, decisions, open_reports

NOW = dt.datetime(2031, 10, 20, 9, 30, tzinfo=dt.UTC)
#: the messages are read in English
EN = {"Accept-Language": "en"}



def run(app, fn, *args, **kwargs):
    """Call a moderation operation in an app context and commit; returns its result."""
    with app.app_context():
        result = fn(*args, **kwargs)
        db.session.commit()
        return result


def emails(outbox, template):
    """The send_email payloads of one template."""
    return [p for p in outbox("notify.send_email") if p["template"] == template]


def test_approve_publishes_emails_the_author_and_records_who_and_when(app, topic_id,
                                                                      create_comment, outbox):
    cid = create_comment(topic_id, status=CommentStatus.PENDING, author_email="a@example.fi")
    run(app, moderation.approve, cid, MODERATOR, now=NOW)
    stored = comment(app, cid)
    assert stored.status == CommentStatus.APPROVED and stored.approved_at == NOW
    assert decisions(app) == [(cid, "approve", "", "moderaattori@example.fi")]
    [mail] = emails(outbox, "comment_approved")
    assert mail["to"] == "a@example.fi" and mail["context"]["comment_url"].endswith(f"#comment-{cid}")


def test_reject_needs_a_reason_which_the_author_is_sent(app, topic_id, create_comment, outbox):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    for blank in ("", "   ", None):
        with app.app_context(), pytest.raises(moderation.ReasonRequired):
            moderation.reject(cid, MODERATOR, blank)
    assert comment(app, cid).status == CommentStatus.PENDING and decisions(app) == []
    run(app, moderation.reject, cid, MODERATOR, "  Off topic: this is about parking.  ")
    stored = comment(app, cid)
    assert stored.status == CommentStatus.REJECTED
    assert stored.decision_reason == "Off topic: this is about parking."
    [mail] = emails(outbox, "comment_rejected")
    assert mail["context"]["reason"] == "Off topic: this is about parking."
    assert decisions(app) == [(cid, "reject", "Off topic: this is about parking.",
                               "moderaattori@example.fi")]


def test_a_too_long_reason_is_refused(app, topic_id, create_comment):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    with app.app_context(), pytest.raises(moderation.ReasonRequired):
        moderation.reject(cid, MODERATOR, "x" * (moderation.REASON_MAX + 1))
    assert comment(app, cid).status == CommentStatus.PENDING


@pytest.mark.parametrize("status", [CommentStatus.APPROVED, CommentStatus.REJECTED,
                                    CommentStatus.HIDDEN, CommentStatus.UNCONFIRMED,
                                    CommentStatus.EXPIRED])
@pytest.mark.parametrize("action", [ModerationAction.APPROVE, ModerationAction.REJECT])
def test_only_pending_comments_are_approved_or_rejected(app, topic_id, create_comment, outbox,
                                                        status, action):
    cid = create_comment(topic_id, status=status)
    with app.app_context(), pytest.raises(moderation.NotAllowed) as refused:
        moderation.decide(cid, action, MODERATOR, "reason")
    with app.test_request_context():
        assert str(refused.value.message)  # a sentence for the moderator
    assert comment(app, cid).status == status and decisions(app) == [] and outbox() == []


def test_a_double_approval_is_refused_and_changes_nothing(app, topic_id, create_comment, outbox):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    run(app, moderation.approve, cid, MODERATOR, now=NOW)
    with app.test_request_context(headers=EN), pytest.raises(moderation.NotAllowed,
                                                           match="already been approved"):
        moderation.approve(cid, MODERATOR)
    assert len(decisions(app)) == 1 and len(emails(outbox, "comment_approved")) == 1
    assert comment(app, cid).approved_at == NOW


def test_hide_takes_an_approved_comment_down_and_closes_its_reports(app, topic_id,
                                                                    create_comment, outbox):
    cid = create_comment(topic_id)
    add_report(app, cid)
    add_report(app, cid, reason="other", details="Names a person")
    with app.app_context(), pytest.raises(moderation.ReasonRequired):
        moderation.hide(cid, MODERATOR, "")
    run(app, moderation.hide, cid, MODERATOR, "Names a private person")
    stored = comment(app, cid)
    assert stored.status == CommentStatus.HIDDEN and stored.decision_reason == "Names a private person"
    assert open_reports(app, cid) == 0
    assert outbox() == []  # hiding emails no one
    with app.app_context(), pytest.raises(moderation.NotAllowed):
        moderation.hide(cid, MODERATOR, "again")


def test_dismissing_reports_keeps_the_comment_public(app, topic_id, create_comment):
    cid = create_comment(topic_id)
    with app.test_request_context(headers=EN), pytest.raises(moderation.NotAllowed,
                                                           match="no open reports"):
        moderation.dismiss_reports(cid, MODERATOR)
    add_report(app, cid)
    run(app, moderation.dismiss_reports, cid, MODERATOR)
    assert comment(app, cid).status == CommentStatus.APPROVED and open_reports(app, cid) == 0
    assert decisions(app) == [(cid, "dismiss_reports", "", "moderaattori@example.fi")]
    with app.app_context(), pytest.raises(moderation.NotAllowed):
        moderation.dismiss_reports(cid, MODERATOR)


def test_pending_comments_cannot_be_hidden_or_dismissed(app, topic_id, create_comment):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    for action in (ModerationAction.HIDE, ModerationAction.DISMISS_REPORTS):
        with app.app_context(), pytest.raises(moderation.NotAllowed):
            moderation.decide(cid, action, MODERATOR, "why")
    assert comment(app, cid).status == CommentStatus.PENDING


def test_bulk_approval_decides_all(app, topic_id, create_comment, outbox):
    ids = [create_comment(topic_id, status=CommentStatus.PENDING, body=f"Text {n}") for n in range(3)]
    result = run(app, moderation.decide_many, ids + ids[:1], "approve", MODERATOR)
    assert [d.comment_id for d in result] == ids  # duplicates count once
    assert all(comment(app, i).status == CommentStatus.APPROVED for i in ids)
    assert len(emails(outbox, "comment_approved")) == 3


def test_bulk_decision_is_all_or_nothing(app, topic_id, create_comment, outbox):
    pending = create_comment(topic_id, status=CommentStatus.PENDING)
    approved = create_comment(topic_id, body="Already public")
    with app.app_context(), pytest.raises(moderation.NotAllowed) as refused:
        moderation.decide_many([pending, approved], "reject", MODERATOR, "Spam")
    assert refused.value.comment_id == approved
    assert comment(app, pending).status == CommentStatus.PENDING
    assert decisions(app) == [] and outbox() == []


def test_unknown_ids_and_empty_batches_are_refused(app, topic_id, create_comment):
    cid = create_comment(topic_id, status=CommentStatus.PENDING)
    with app.app_context(), pytest.raises(moderation.UnknownComment):
        moderation.decide_many([cid, 999999], "approve", MODERATOR)
    with app.app_context(), pytest.raises(moderation.ModerationError):
        moderation.decide_many([], "approve", MODERATOR)
    with app.app_context(), pytest.raises(moderation.ModerationError):
        moderation.decide_many(list(range(1, moderation.BULK_MAX + 2)), "approve", MODERATOR)
    assert comment(app, cid).status == CommentStatus.PENDING


def test_a_hidden_parent_takes_its_replies_off_the_public_page(app, client, topic_id,
                                                               create_comment):
    parent = create_comment(topic_id, body="The parent")
    create_comment(topic_id, parent_id=parent, body="A reply under it")
    assert "A reply under it" in client.get(f"/topics/{topic_id}").get_data(as_text=True)
    run(app, moderation.hide, parent, MODERATOR, "Off topic")
    page = client.get(f"/topics/{topic_id}").get_data(as_text=True)
    assert "The parent" not in page and "A reply under it" not in page
