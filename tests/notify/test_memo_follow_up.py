"""notify's follow-up updates: one email per recipient of the publication, a redelivery sends none."""

import uuid

import pytest
import sqlalchemy as sa

from services.notify import memo_delivery, memo_follow_up, tasks
from services.notify.models import OutgoingEmail, db
from shared.contracts.events import MemoFollowUpUpdatedPayload, MemoPublishedPayload
from shared.db import utcnow
from tests.contracts.memo_published import memo_published

RECIPIENTS = [{"email": "board@county.example", "name": "Board", "kind": "board"},
              {"email": "finance@county.example", "name": "Finance director", "kind": "presenter"}]
PDF = b"%PDF-1.7 a memo"


def follow_up_updated(publication_id=4, **values):
    """A dumped ``memo.follow_up_updated`` payload (what the receiving task gets)."""
    payload = {"message_id": str(uuid.uuid4()), "occurred_at": utcnow().isoformat(),
               "memo_id": 3, "event_id": 1, "publication_id": publication_id,
               "title": "Autumn provider forum", "agenda_item_title": "Budget 2027",
               "handling_body": "Regional government", "handled_on": "2027-01-15",
               "outcome": "The fees are indexed.",
               "decision_url": "https://county.example/decisions/7",
               "url": "http://localhost/memo/memos/3", "locale": "en", **values}
    return MemoFollowUpUpdatedPayload().dump(MemoFollowUpUpdatedPayload().load(payload))


@pytest.fixture
def delivered(notify_app):
    """Publication 4 delivered to two recipients, publication 5 to a third (in an app context)."""
    with notify_app.app_context():
        for publication_id, recipients in ((4, RECIPIENTS),
                                           (5, [{"email": "other@county.example", "name": "",
                                                 "kind": "board"}])):
            data = MemoPublishedPayload().load(memo_published(publication_id=publication_id,
                                                              recipients=recipients))
            memo_delivery.deliver(data, PDF)
            memo_delivery.report(data)
        yield


def _follow_ups():
    return db.session.scalars(sa.select(OutgoingEmail).where(
        OutgoingEmail.template == "memo_follow_up")).all()


def test_each_recipient_of_the_publication_gets_one_email(delivered):
    payload = follow_up_updated()
    assert tasks.send_follow_up_update.run(payload) == 2
    emails = _follow_ups()
    assert {e.recipient for e in emails} == {"board@county.example", "finance@county.example"}
    assert {e.subject for e in emails} == {"Memo follow-up updated: Autumn provider forum"}
    for email in emails:
        assert b"Budget 2027" in email.mime and b"Regional government" in email.mime
        assert b"http://localhost/memo/memos/3" in email.mime


def test_a_redelivered_message_sends_nothing_again(delivered):
    payload = follow_up_updated()
    tasks.send_follow_up_update.run(payload)
    tasks.send_follow_up_update.run(payload)
    assert len(_follow_ups()) == 2
    assert memo_follow_up.send(MemoFollowUpUpdatedPayload().load(payload)) == 0
    assert len(_follow_ups()) == 2


def test_a_publication_delivered_to_nobody_sends_nothing(delivered):
    tasks.send_follow_up_update.run(follow_up_updated(publication_id=99))
    assert _follow_ups() == []
