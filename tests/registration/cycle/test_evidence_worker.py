"""A real ``feedback.window_opened`` message, through Redis and a real worker, records the
forum's "comments open" milestone in registration's database.

feedback opens the forum's windows (what its beat task does), which writes the message to its
outbox; its relay publishes the row to Redis. A ``foorumi worker`` subprocess runs registration's
``registration.milestone_from_window_opened``, which records the milestone from the message.
"""

import datetime as dt

import pytest
import sqlalchemy as sa

from services.feedback import opening
from services.feedback.models import OutboxMessage as FeedbackOutbox
from services.feedback.models import db as feedback_db
from services.registration.cycle.models import Milestone, MilestoneKey
from services.registration.models import db
from shared import outbox
from shared.db import utcnow
from shared.testing.databases import redis_url
from shared.testing.waiting import wait_until
from tests.feedback import builders
from tests.registration.builders import add_event

pytestmark = pytest.mark.slow

REDIS_DB = 6


def comments_open(app, event_id):
    """(done_at, source, evidence) of the forum's "comments open" milestone once done, or None."""
    with app.app_context():
        row = db.session.scalar(sa.select(Milestone).where(
            Milestone.event_id == event_id, Milestone.key == MilestoneKey.COMMENTS_OPEN,
            Milestone.done_at.is_not(None)))
        found = (row.done_at, row.source, row.evidence) if row else None
        db.session.rollback()
        return found


def test_the_worker_records_the_milestone_from_feedbacks_message(make_app, create_worker):
    broker = redis_url(REDIS_DB)
    registration = make_app("registration", BROKER_URL=broker)
    feedback = make_app("feedback", BROKER_URL=broker)
    starts = utcnow() - dt.timedelta(hours=1)
    event_id = add_event(registration, starts_at=starts)
    with feedback.app_context():
        builders.sync(builders.announcement(event_id=event_id, starts_at=starts,
                                            ends_at=starts + dt.timedelta(hours=3)))
    create_worker(BROKER_URL=broker)
    with feedback.app_context():
        assert opening.open_due_forums() == [event_id]
        feedback_db.session.commit()
        assert outbox.relay(feedback_db, FeedbackOutbox) == 1  # what beat's relay does
    done_at, source, facts = wait_until(lambda: comments_open(registration, event_id),
                                        timeout=60, message="the milestone in registration")
    assert (done_at, source) == (starts, "feedback.window_opened")
    assert facts == {"opened_at": starts.isoformat(), "topics": 2}
