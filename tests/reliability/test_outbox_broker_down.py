"""A registration made while Redis is really down is kept, and its confirmation goes out once, later.

The test owns its Redis and a real worker runs on it. Redis is killed (nothing kept); a
registration commits at once while the after-commit publish fails, and the outbox row stays
unsent with the attempt recorded. Redis stays away longer than the workers used to retry (they
gave up after about 6 s), then comes back empty: the same worker reconnects by itself, the relay
(sent here as beat sends it) publishes the message, and the worker delivers one email. A
redelivered copy sends nothing more.
"""

import datetime as dt
import time

import pytest
import sqlalchemy as sa

from services.notify.models import EmailStatus, OutgoingEmail
from services.notify.models import db as notify_db
from services.registration import operations
from services.registration.models import Event, EventStatus, OutboxMessage, db
from services.registration.tasks import RELAY_OUTBOX
from shared.celery import celery_app
from shared.contracts import notify
from shared.db import utcnow
from shared.testing.servers import RedisServer
from shared.testing.waiting import wait_until

pytestmark = pytest.mark.slow

EMAIL = "maija@example.fi"
OUTAGE_SECONDS = 10


@pytest.fixture
def broker(tmp_path):
    """A Redis of the test's own, to stop."""
    with RedisServer(tmp_path / "redis") as server:
        yield server


def register(app):
    """A published forum and an on-site registration, committed; returns the commit's seconds."""
    starts = utcnow() + dt.timedelta(days=14)
    with app.app_context():
        event = Event(title="Forum while Redis sleeps", starts_at=starts,
                      ends_at=starts + dt.timedelta(hours=2), onsite_capacity=5,
                      status=EventStatus.PUBLISHED, published_at=utcnow() - dt.timedelta(hours=1))
        db.session.add(event)
        db.session.flush()
        operations.register(event, {"name": "Maija", "email": EMAIL, "organisation": "Hoiva Oy",
                                    "municipality": "Kuopio", "attendance_mode": "onsite"}, "en")
        started = time.monotonic()
        db.session.commit()
        return time.monotonic() - started


def outbox_rows(app):
    """(topic, payload, sent_at, attempts, last_error) of every outbox row."""
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [(r.topic, r.payload, r.sent_at, r.attempts, r.last_error) for r in rows]


def sent_emails(app):
    """(recipient, status) of notify's email rows."""
    with app.app_context():
        return notify_db.session.execute(
            sa.select(OutgoingEmail.recipient, OutgoingEmail.status).order_by(OutgoingEmail.id)
        ).all()


def test_registration_while_broker_is_down_is_emailed_once_it_is_back(make_app, create_worker,
                                                                      smtp, broker):
    url = broker.url(0)
    worker = create_worker(concurrency=1, BROKER_URL=url, MAIL_BACKEND="smtp", SMTP_PORT=smtp.port)
    app = make_app("registration", BROKER_URL=url, PUBLISH_IMMEDIATELY=True)

    broker.stop()
    stopped = time.monotonic()
    assert register(app) < 0.5  # the publish after the commit gave up at once
    ((topic, payload, sent_at, attempts, error),) = outbox_rows(app)
    assert topic == notify.SEND_EMAIL and sent_at is None
    assert attempts == 1 and "refused" in error.lower()
    time.sleep(max(0.0, stopped + OUTAGE_SECONDS - time.monotonic()))  # the outage's length
    assert worker.process.poll() is None  # still there, retrying

    broker.start()
    wait_until(worker.ping, timeout=40, message="the same worker consuming again")
    celery_app.send_task(RELAY_OUTBOX)  # what beat does every few seconds
    (msg,) = smtp.recorder.wait_for(1, to=EMAIL, timeout=20)
    assert msg["Subject"] == "Registration confirmed: Forum while Redis sleeps"
    wait_until(lambda: outbox_rows(app)[0][2] is not None, timeout=10, message="outbox row sent")
    assert outbox_rows(app)[0][3] == attempts  # the failed attempt stays on record

    # the same message delivered again, then a sentinel behind it (one task at a time, in order)
    celery_app.send_task(notify.SEND_EMAIL, args=[payload])
    sentinel = {**payload, "message_id": "00000000-0000-4000-8000-000000000001",
                "to": "sentinel@example.fi"}
    celery_app.send_task(notify.SEND_EMAIL, args=[sentinel])
    smtp.recorder.wait_for(1, to="sentinel@example.fi", timeout=20)
    assert len(smtp.recorder.received(EMAIL)) == 1
    notify_app = make_app("notify", BROKER_URL=url)
    wait_until(lambda: len(sent_emails(notify_app)) == 2 and all(
        status == EmailStatus.SENT for _, status in sent_emails(notify_app)),
        timeout=10, message="both email rows SENT")
    assert [r for r, _ in sent_emails(notify_app)] == [EMAIL, "sentinel@example.fi"]
    assert worker.process.poll() is None
