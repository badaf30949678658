"""Celery tasks of the feedback service and its periodic schedule."""

from services.feedback.models import OutboxMessage, db
from shared import outbox

relay_outbox = outbox.relay_task("feedback", db, OutboxMessage)
RELAY_OUTBOX = relay_outbox.name
