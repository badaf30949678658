"""Celery tasks of the notify service and its periodic schedule."""

from services.notify import sending
from services.notify.models import OutboxMessage, ProcessedMessage, SubscriptionRequest, db
from shared import outbox
from shared.celery import celery_app, periodic
from shared.contracts import SCHEMAS, notify
from shared.mail import TransientFailure

RELAY_OUTBOX = "notify.relay_outbox"
periodic(RELAY_OUTBOX, seconds_setting="OUTBOX_RELAY_INTERVAL")


@celery_app.task(name=notify.SEND_EMAIL, bind=True, max_retries=None)
def send_email(self, payload):
    """Render, record and send one email; at most one copy per (message, recipient).

    A 4xx or dropped connection is retried with exponential backoff up to MAIL_MAX_RETRIES.
    """
    data = SCHEMAS[notify.SEND_EMAIL]().load(payload)
    email_id = sending.record(data)
    if not sending.claim(email_id):
        return None
    try:
        return str(sending.deliver(email_id))
    except TransientFailure as exc:
        raise self.retry(countdown=min(2 ** self.request.retries * 5, 600), exc=exc) from exc


@celery_app.task(name=notify.REQUEST_SUBSCRIPTION)
def request_subscription(payload):
    """Keep a newsletter request for the double opt-in (once per message)."""
    _store_request(payload)


@outbox.consumer(db, ProcessedMessage, notify.REQUEST_SUBSCRIPTION)
def _store_request(data):
    """Store the request in the consumer's transaction."""
    db.session.add(SubscriptionRequest(
        email=data["email"].strip().lower(), name=data["name"],
        organisation=data["organisation"], locale=data["locale"], source=data["source"],
    ))


@celery_app.task(name=RELAY_OUTBOX)
def relay_outbox():
    """Publish the outbox's unsent messages; returns how many went out."""
    return outbox.relay(db, OutboxMessage)
