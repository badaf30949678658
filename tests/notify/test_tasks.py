"""The notify service's Celery tasks, called as functions (the worker is in tests/reliability)."""

import pytest
import sqlalchemy as sa
from marshmallow import ValidationError
from sqlalchemy.exc import OperationalError

from services.notify import sending, tasks
from services.notify.models import EmailStatus, OutgoingEmail, SubscriptionRequest, db
from shared.mail import TransientFailure
from tests.notify.payloads import email_payload


def emails():
    """(recipient, status, attempts) of every stored email."""
    rows = db.session.scalars(sa.select(OutgoingEmail).order_by(OutgoingEmail.id)).all()
    return [(r.recipient, r.status, r.attempts) for r in rows]


def in_app(app, fn, *args):
    """Run ``fn(*args)`` in a fresh app context, as a worker would for each task."""
    with app.app_context():
        return fn(*args)


def test_redelivery_of_the_same_message_sends_once(smtp_app, smtp):
    payload = email_payload()
    assert in_app(smtp_app, tasks.send_email, payload) == "sent"
    assert in_app(smtp_app, tasks.send_email, payload) is None
    assert len(smtp.recorder.received("maija@example.fi")) == 1
    assert in_app(smtp_app, emails) == [("maija@example.fi", EmailStatus.SENT, 1)]


def test_the_same_message_to_another_recipient_is_another_email(smtp_app, smtp):
    payload = email_payload()
    in_app(smtp_app, tasks.send_email, payload)
    in_app(smtp_app, tasks.send_email, {**payload, "to": "pekka@example.fi"})
    assert len(smtp.recorder.received()) == 2


def test_soft_bounce_is_retried_and_then_sent_once(smtp_app, smtp):
    smtp.recorder.reply_for["maija@example.fi"] = "451 Mailbox busy"
    payload = email_payload()
    with pytest.raises(TransientFailure):  # called directly, Celery's retry re-raises
        in_app(smtp_app, tasks.send_email, payload)
    assert in_app(smtp_app, emails) == [("maija@example.fi", EmailStatus.RETRYING, 1)]
    del smtp.recorder.reply_for["maija@example.fi"]
    assert in_app(smtp_app, tasks.send_email, payload) == "sent"
    assert in_app(smtp_app, tasks.send_email, payload) is None
    assert len(smtp.recorder.received()) == 1
    assert in_app(smtp_app, emails) == [("maija@example.fi", EmailStatus.SENT, 2)]


def test_hard_bounce_fails_without_retry(smtp_app, smtp):
    smtp.recorder.reply_for["maija@example.fi"] = "550 User unknown"
    payload = email_payload()
    assert in_app(smtp_app, tasks.send_email, payload) == "failed"
    assert in_app(smtp_app, tasks.send_email, payload) is None
    assert in_app(smtp_app, emails) == [("maija@example.fi", EmailStatus.FAILED, 1)]
    assert smtp.recorder.received() == []


def test_dropped_connection_is_retried(make_app, dropping_port):
    app = make_app("notify", MAIL_BACKEND="smtp", SMTP_PORT=dropping_port, SMTP_TIMEOUT=2.0)
    with pytest.raises(TransientFailure):
        in_app(app, tasks.send_email, email_payload())
    with app.app_context():
        (row,) = db.session.scalars(sa.select(OutgoingEmail)).all()
        assert row.status == EmailStatus.RETRYING
        assert "closed" in row.last_error.lower()


def test_refused_connection_is_retried(make_app):
    app = make_app("notify", MAIL_BACKEND="smtp", SMTP_PORT=1, SMTP_TIMEOUT=2.0)
    with pytest.raises(TransientFailure):
        in_app(app, tasks.send_email, email_payload())
    assert in_app(app, emails) == [("maija@example.fi", EmailStatus.RETRYING, 1)]


def test_retried_by_celery_until_the_limit(smtp_app, smtp):
    # apply() runs the task as a worker would, and Celery's retries run at once
    smtp.recorder.reply_for["maija@example.fi"] = "452 Over quota"
    with smtp_app.app_context():
        tasks.send_email.apply(args=[email_payload()])
    assert in_app(smtp_app, emails) == [("maija@example.fi", EmailStatus.FAILED, 3)]


def test_database_away_is_waited_for_and_the_email_goes_once(smtp_app, smtp, monkeypatch):
    real_take, calls = sending.take, []

    def flaky_take(data):
        calls.append(data["to"])
        if len(calls) == 1:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        return real_take(data)

    monkeypatch.setattr(sending, "take", flaky_take)
    with smtp_app.app_context():
        tasks.send_email.apply(args=[email_payload()])
    assert len(calls) == 2
    assert len(smtp.recorder.received()) == 1
    assert in_app(smtp_app, emails) == [("maija@example.fi", EmailStatus.SENT, 1)]


def test_backoff_grows_and_is_capped():
    delays = [tasks.retry_delay(n) for n in range(10)]
    assert delays[:4] == [5, 10, 20, 40]
    assert delays == sorted(delays) and max(delays) == 600


@pytest.mark.parametrize("change", [
    {"template": "no_such_template"},
    {"to": "not-an-address"},
    {"locale": "de"},
    {"message_id": "not-a-uuid"},
    {"context": ["not", "a", "mapping"]},
    {"attachments": [{"filename": "x.ics"}]},
])
def test_invalid_payload_is_refused_and_nothing_is_stored(notify_app, change):
    with pytest.raises(ValidationError):
        in_app(notify_app, tasks.send_email, {**email_payload(), **change})
    assert in_app(notify_app, emails) == []


def test_missing_field_is_refused(notify_app):
    payload = email_payload()
    del payload["message_id"]
    with pytest.raises(ValidationError):
        in_app(notify_app, tasks.send_email, payload)
    assert in_app(notify_app, emails) == []


def subscription_payload():
    """A notify.request_subscription payload."""
    payload = email_payload()
    return {"message_id": payload["message_id"], "occurred_at": payload["occurred_at"],
            "email": "Maija@Example.fi", "name": "Maija", "organisation": "Hoiva Oy",
            "locale": "sv", "source": "registration:1"}


def test_subscription_request_is_stored_once_per_message(notify_app):
    payload = subscription_payload()
    in_app(notify_app, tasks.request_subscription, payload)
    in_app(notify_app, tasks.request_subscription, payload)
    with notify_app.app_context():
        stored = db.session.scalars(sa.select(SubscriptionRequest)).all()
        assert [(r.email, r.locale, r.source) for r in stored] == [
            ("maija@example.fi", "sv", "registration:1")]


def test_invalid_subscription_request_stores_nothing(notify_app):
    with pytest.raises(ValidationError):
        in_app(notify_app, tasks.request_subscription, {**subscription_payload(), "email": "x"})
    with notify_app.app_context():
        assert db.session.scalars(sa.select(SubscriptionRequest)).all() == []
