"""Celery tasks of the registration service and its periodic schedule."""

from services.registration import operations
from services.registration.models import OutboxMessage, db
from shared import outbox
from shared.celery import celery_app, periodic

RELAY_OUTBOX = "registration.relay_outbox"
SEND_REMINDERS = "registration.send_reminders"

periodic(RELAY_OUTBOX, seconds_setting="OUTBOX_RELAY_INTERVAL")
periodic(SEND_REMINDERS, seconds=300)


@celery_app.task(name=RELAY_OUTBOX)
def relay_outbox():
    """Publish the outbox's unsent messages; returns how many went out."""
    return outbox.relay(db, OutboxMessage)


@celery_app.task(name=SEND_REMINDERS)
def send_reminders():
    """Write the day-before reminders that are due; returns how many."""
    count = operations.send_due_reminders()
    db.session.commit()
    return count
