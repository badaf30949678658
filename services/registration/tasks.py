"""Celery tasks of the registration service and its periodic schedule.

* ``registration.send_reminders`` runs from beat every ``REMINDER_TICK_SECONDS``: the day-before
  reminders, found in the database (never scheduled as broker ETAs, which Redis hands to a second
  worker once they outwait its visibility timeout). Safe to run twice at once.
* ``registration.link_memo`` receives ``memo.published``: the event page links the memo (once
  per message, :func:`shared.outbox.consumer`).
"""

from services.registration import memos, operations
from services.registration.cycle import tasks as cycle_tasks  # noqa: F401 - registers them
from services.registration.models import OutboxMessage, ProcessedMessage, db
from shared import outbox
from shared.celery import celery_app, periodic
from shared.contracts import events

relay_outbox = outbox.relay_task("registration", db, OutboxMessage)
RELAY_OUTBOX = relay_outbox.name

SEND_REMINDERS = "registration.send_reminders"
LINK_MEMO = "registration.link_memo"

periodic(SEND_REMINDERS, seconds_setting="REMINDER_TICK_SECONDS")


@celery_app.task(name=SEND_REMINDERS)
def send_reminders():
    """Write the day-before reminders that are due; returns how many."""
    count = operations.send_due_reminders()
    db.session.commit()
    return count


@celery_app.task(name=LINK_MEMO)
@outbox.consumer(db, ProcessedMessage, events.MEMO_PUBLISHED)
def link_memo(data):
    """Keep the published memo's address on its event; returns the event id, or None."""
    event = memos.link_memo(data)
    return event.id if event is not None else None
