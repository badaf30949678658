"""Celery tasks of the memo service and its periodic schedule."""

from services.memo.models import OutboxMessage, db
from shared import outbox
from shared.celery import celery_app, periodic

RELAY_OUTBOX = "memo.relay_outbox"
periodic(RELAY_OUTBOX, seconds_setting="OUTBOX_RELAY_INTERVAL")


@celery_app.task(name=RELAY_OUTBOX)
def relay_outbox():
    """Publish the outbox's unsent messages; returns how many went out."""
    return outbox.relay(db, OutboxMessage)
