"""notify's memo delivery: one copy per recipient with the PDF, reported once, a redelivery sends none."""

import pytest
import sqlalchemy as sa

from services.notify import memo_delivery
from services.notify.models import OutboxMessage, OutgoingEmail, db
from shared.contracts.events import MemoPublishedPayload
from tests.contracts.memo_published import memo_published

RECIPIENTS = [{"email": "board@county.example", "name": "Board", "kind": "board"},
              {"email": "finance@county.example", "name": "Finance director", "kind": "presenter"}]
PDF = b"%PDF-1.7 a memo"


@pytest.fixture
def data(notify_app):
    """A loaded ``memo.published`` with two recipients (in an app context)."""
    with notify_app.app_context():
        yield MemoPublishedPayload().load(memo_published(recipients=RECIPIENTS))


def _reports():
    """The ``memo.delivered`` payloads in notify's outbox."""
    return [row.payload for row in db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.topic == "memo.delivered"))]


def test_each_recipient_gets_one_copy_with_the_pdf_and_one_report(data):
    assert memo_delivery.deliver(data, PDF) == 0
    assert memo_delivery.report(data) == 2
    emails = db.session.scalars(sa.select(OutgoingEmail)).all()
    assert {e.recipient for e in emails} == {"board@county.example", "finance@county.example"}
    assert {e.template for e in emails} == {"memo_published"}
    for email in emails:
        assert b"application/pdf" in email.mime and b"muistio-3-4.pdf" in email.mime
        assert b"http://localhost/memo/memos/3" in email.mime
    assert {(r["email"], r["status"], r["publication_id"]) for r in _reports()} == {
        ("board@county.example", "sent", 4), ("finance@county.example", "sent", 4)}


def test_a_redelivered_message_sends_and_reports_nothing_again(data):
    memo_delivery.deliver(data, PDF)
    memo_delivery.report(data)
    assert memo_delivery.deliver(data, PDF) == 0
    assert memo_delivery.report(data) == 0
    assert db.session.scalar(sa.select(sa.func.count(OutgoingEmail.id))) == 2
    assert len(_reports()) == 2


def test_the_subject_says_when_the_memo_is_a_correction(notify_app):
    with notify_app.app_context():
        data = MemoPublishedPayload().load(memo_published(recipients=RECIPIENTS[:1],
                                                          kind="corrected", locale="en"))
        memo_delivery.deliver(data, PDF)
        assert db.session.scalar(sa.select(OutgoingEmail.subject)) == (
            "Corrected memo: Autumn provider forum")


def test_an_unanswered_pdf_address_raises_for_a_retry(notify_app):
    with pytest.raises(memo_delivery.PdfUnavailable):
        memo_delivery.fetch_pdf("http://127.0.0.1:9/memo/memos/1/publications/1.pdf")
