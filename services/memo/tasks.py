"""Celery tasks of the memo service and its periodic schedule."""

from services.memo.models import OutboxMessage, db
from shared import outbox

relay_outbox = outbox.relay_task("memo", db, OutboxMessage)
RELAY_OUTBOX = relay_outbox.name
