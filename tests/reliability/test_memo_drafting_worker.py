"""A real ``feedback.window_closed`` message, through Redis and a real worker, drafts the memo.

registration and feedback are real apps served on a local port (tests/memo/sources.py). feedback
closes the forum's windows, which writes ``feedback.window_closed`` to its outbox; its outbox
relay (what beat runs) publishes the row to Redis. A ``foorumi worker`` subprocess runs memo's
``memo.draft_from_feedback``: it reads feedback's and registration's APIs over HTTP, stores the
draft, and writes the secretary's email, which the same worker's ``notify.send_email`` records
in notify's ledger.
"""

import pytest
import sqlalchemy as sa

from services.feedback.models import OutboxMessage as FeedbackOutbox
from services.feedback.models import db as feedback_db
from services.memo.models import Memo
from services.memo.models import db as memo_db
from services.notify.models import EmailStatus, OutgoingEmail
from services.notify.models import db as notify_db
from shared import outbox
from shared.auth import Role
from shared.testing.databases import redis_url
from shared.testing.waiting import wait_until
from tests.memo.builders import staff
from tests.memo.sources import APPROVED, PENDING, Services, comment_and_close, held_forum
from tests.registration.builders import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.slow

REDIS_DB = 13
COMMENTS = [
    (2, APPROVED, {"organisation": "Hoiva Oy", "author_name": "Maija M",
                   "body": "Split the procurement into lots."}),
    (1, APPROVED, {"organisation": "Care Ltd", "author_name": "Olli O", "body": "Index the fees."}),
    (1, APPROVED, {"organisation": "Hoiva Oy", "author_name": "Aino A", "body": "Home care first."}),
    (1, PENDING, {"organisation": "Secret Oy", "body": "Not yet moderated."}),
]


def _stored_memo(app, event_id):
    """(memo id, latest body) of the forum's memo in memo's database, or None."""
    with app.app_context():
        memo = memo_db.session.scalar(sa.select(Memo).where(Memo.forum_id == event_id))
        found = (memo.id, memo.latest.body) if memo else None
        memo_db.session.rollback()
        return found


def _drafted_emails(app):
    """[(recipient, status, memo_url)] of notify's memo_drafted emails."""
    with app.app_context():
        rows = notify_db.session.scalars(sa.select(OutgoingEmail).where(
            OutgoingEmail.template == "memo_drafted")).all()
        found = [(row.recipient, row.status) for row in rows]
        notify_db.session.rollback()
        return found


def test_the_worker_drafts_the_memo_from_feedbacks_window_closed_message(
        make_app, create_worker, fast_passwords):  # noqa: F811 - the fixture imported above
    broker = redis_url(REDIS_DB)

    def on_broker(service, **overrides):
        return make_app(service, BROKER_URL=broker, **overrides)

    with Services(on_broker) as services:
        memo_app = on_broker("memo", PUBLIC_URL=services.url, DEFAULT_LOCALE="en")
        notify_app = on_broker("notify", PUBLIC_URL=services.url)
        with memo_app.app_context():
            secretary = staff(Role.SECRETARY)
        create_worker(BROKER_URL=broker, PUBLIC_URL=services.url, DEFAULT_LOCALE="en",
                      PUBLISH_IMMEDIATELY=True)
        event_id, announcement = held_forum(services)
        assert comment_and_close(services, announcement, COMMENTS) is not None
        with services.feedback.app_context():
            assert outbox.relay(feedback_db, FeedbackOutbox) >= 1  # what beat's relay does
            unsent = feedback_db.session.scalar(sa.select(sa.func.count(FeedbackOutbox.id)).where(
                FeedbackOutbox.sent_at.is_(None)))
            assert unsent == 0
        wait_until(lambda: _stored_memo(memo_app, event_id) is not None, timeout=30,
                   message="the worker to store the draft")
        wait_until(lambda: _drafted_emails(notify_app) == [(secretary.email, EmailStatus.SENT)],
                   timeout=30, message="the secretary's email in notify's ledger")
        memo_id, body = _stored_memo(memo_app, event_id)

    first, second = body.index("## 1. Budget 2027"), body.index("## 2. Procurement plan")
    assert first < second  # agenda order, not the order the comments came in
    budget, procurement = body[first:second], body[second:]
    assert "Attendance: 3 on site, 2 remote, 2 checked in" in body
    assert "Comments: 3 from 2 organisations" in body
    assert "2 approved comments: Care Ltd (1), Hoiva Oy (1)" in budget
    assert "1 approved comment: Hoiva Oy (1)" in procurement
    topic_link = f"]({services.url}/feedback/topics/"
    for section, quote, author in ((budget, "> Index the fees.", "Olli O, Care Ltd"),
                                   (budget, "> Home care first.", "Aino A, Hoiva Oy"),
                                   (procurement, "> Split the procurement into lots.",
                                    "Maija M, Hoiva Oy")):
        assert f"{quote} — [{author}{topic_link}" in section
    assert "Not yet moderated" not in body
    assert memo_id
