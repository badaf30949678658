"""Celery tasks of the registration service and its periodic schedule."""

from services.registration import operations
from services.registration.models import OutboxMessage, db
from shared import outbox
from shared.celery import celery_app, periodic

relay_outbox = outbox.relay_task("registration", db, OutboxMessage)
RELAY_OUTBOX = relay_outbox.name

SEND_REMINDERS = "registration.send_reminders"

periodic(SEND_REMINDERS, seconds=300)


@celery_app.task(name=SEND_REMINDERS)
def send_reminders():
    """Write the day-before reminders that are due; returns how many."""
    count = operations.send_due_reminders()
    db.session.commit()
    return count
