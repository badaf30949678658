"""Celery tasks of the notify service and its periodic schedule."""

from sqlalchemy.exc import OperationalError

from services.notify import sending
from services.notify.models import OutboxMessage, ProcessedMessage, SubscriptionRequest, db
from shared import outbox
from shared.celery import celery_app
from shared.contracts import SCHEMAS, notify
from shared.mail import TransientFailure

relay_outbox = outbox.relay_task("notify", db, OutboxMessage)
RELAY_OUTBOX = relay_outbox.name

#: how often a task waits for a database that is away (about 8 hours with the backoff)
DB_MAX_RETRIES = 50


def retry_delay(retries):
    """Seconds before the next try after ``retries`` retries: 5, 10, 20, ... at most 10 minutes."""
    return min(2**retries * 5, 600)


@celery_app.task(name=notify.SEND_EMAIL, bind=True, max_retries=None)
def send_email(self, payload):
    """Render, record and send one email; at most one copy per (message, recipient).

    An invalid payload raises ValidationError and stores nothing. A redelivered message sends
    nothing again. A 4xx or dropped connection is retried with exponential backoff; the row
    turns FAILED after MAIL_MAX_RETRIES attempts (see ``sending.deliver``). A database that is
    away is waited for (DB_MAX_RETRIES retries with the same backoff).
    """
    data = SCHEMAS[notify.SEND_EMAIL]().load(payload)
    try:
        return _record_and_send(data)
    except TransientFailure as exc:
        raise self.retry(countdown=retry_delay(self.request.retries), exc=exc) from exc
    except OperationalError as exc:
        db.session.rollback()
        raise self.retry(countdown=retry_delay(self.request.retries), exc=exc,
                         max_retries=DB_MAX_RETRIES) from exc


def _record_and_send(data):
    """Record the email, and send it if this delivery claims it; the outcome or None."""
    email_id = sending.record(data)
    if not sending.claim(email_id):
        return None
    return str(sending.deliver(email_id))


@celery_app.task(name=notify.REQUEST_SUBSCRIPTION, autoretry_for=(OperationalError,),
                 max_retries=DB_MAX_RETRIES, retry_backoff=5, retry_backoff_max=600,
                 retry_jitter=False)
def request_subscription(payload):
    """Keep a newsletter request for the double opt-in (once per message).

    A database that is away is waited for, with backoff.
    """
    _store_request(payload)


@outbox.consumer(db, ProcessedMessage, notify.REQUEST_SUBSCRIPTION)
def _store_request(data):
    """Store the request in the consumer's transaction."""
    db.session.add(SubscriptionRequest(
        email=data["email"].strip().lower(), name=data["name"],
        organisation=data["organisation"], locale=data["locale"], source=data["source"],
    ))
