"""A registration made while Redis is down is kept, and its confirmation goes out once, later.

The registration app first points at a closed port: the registration commits, the after-commit
publish fails and the outbox row stays unsent with the attempt recorded. Then a real worker on the
real Redis runs ``registration.relay_outbox`` (as beat would), which publishes the message, and
the same worker delivers the email. A redelivered copy of the message sends nothing more.
"""

import datetime as dt

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
from shared.testing.databases import redis_url
from shared.testing.smtp import free_port
from shared.testing.waiting import wait_until

pytestmark = pytest.mark.slow

REDIS_DB = 13
EMAIL = "maija@example.fi"


def register(app):
    """A published forum and an on-site registration, committed."""
    starts = utcnow() + dt.timedelta(days=14)
    with app.app_context():
        event = Event(title="Forum while Redis sleeps", starts_at=starts,
                      ends_at=starts + dt.timedelta(hours=2), onsite_capacity=5,
                      status=EventStatus.PUBLISHED, published_at=utcnow() - dt.timedelta(hours=1))
        db.session.add(event)
        db.session.flush()
        operations.register(event, {"name": "Maija", "email": EMAIL, "organisation": "Hoiva Oy",
                                    "municipality": "Kuopio", "attendance_mode": "onsite"}, "en")
        db.session.commit()


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
                                                                      smtp):
    down = make_app("registration", BROKER_URL=f"redis://127.0.0.1:{free_port()}/0",
                    PUBLISH_IMMEDIATELY=True)
    register(down)
    ((topic, payload, sent_at, attempts, error),) = outbox_rows(down)
    assert topic == notify.SEND_EMAIL and sent_at is None
    assert attempts >= 1 and "refused" in error.lower()

    broker = redis_url(REDIS_DB)
    create_worker(concurrency=1, BROKER_URL=broker, MAIL_BACKEND="smtp", SMTP_PORT=smtp.port)
    up = make_app("registration", BROKER_URL=broker)
    celery_app.send_task(RELAY_OUTBOX)  # what beat does every few seconds

    (msg,) = smtp.recorder.wait_for(1, to=EMAIL, timeout=20)
    assert msg["Subject"] == "Registration confirmed: Forum while Redis sleeps"
    wait_until(lambda: outbox_rows(up)[0][2] is not None, timeout=10, message="outbox row sent")
    assert outbox_rows(up)[0][3] == attempts  # the failed attempts stay on record

    # the same message delivered again, then a sentinel behind it (one task at a time, in order)
    celery_app.send_task(notify.SEND_EMAIL, args=[payload])
    celery_app.send_task(RELAY_OUTBOX)
    sentinel = {**payload, "message_id": "00000000-0000-4000-8000-000000000001",
                "to": "sentinel@example.fi"}
    celery_app.send_task(notify.SEND_EMAIL, args=[sentinel])
    smtp.recorder.wait_for(1, to="sentinel@example.fi", timeout=20)
    assert len(smtp.recorder.received(EMAIL)) == 1
    notify_app = make_app("notify", BROKER_URL=broker)
    wait_until(lambda: len(sent_emails(notify_app)) == 2 and all(
        status == EmailStatus.SENT for _, status in sent_emails(notify_app)),
        timeout=10, message="both email rows SENT")
    assert [r for r, _ in sent_emails(notify_app)] == [EMAIL, "sentinel@example.fi"]
