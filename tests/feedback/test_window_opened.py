"""A forum whose topics opened for comments is announced once as ``feedback.window_opened``."""

import datetime as dt
import threading
import uuid

import sqlalchemy as sa

from services.feedback import forum_changes, opening, tasks
from services.feedback.models import Forum, OutboxMessage, db
from shared.contracts import SCHEMAS, events
from shared.db import dispose_engines, utcnow
from tests.feedback import builders

DAY = dt.timedelta(days=1)


def open_now(app, now):
    """Run the opening check at ``now`` and commit; returns the announced forum ids."""
    with app.app_context():
        ids = opening.open_due_forums(now)
        db.session.commit()
        return ids


def test_a_forum_is_announced_open_once_its_topics_open(app, create_forum, outbox):
    starts = utcnow() + 2 * DAY
    create_forum(starts_at=starts)
    assert open_now(app, starts - dt.timedelta(seconds=1)) == []
    assert outbox(events.FEEDBACK_WINDOW_OPENED) == []
    assert open_now(app, starts + dt.timedelta(minutes=10)) == [1]
    assert open_now(app, starts + DAY) == []  # once
    [payload] = outbox(events.FEEDBACK_WINDOW_OPENED)
    data = SCHEMAS[events.FEEDBACK_WINDOW_OPENED]().load(payload)
    assert (data["event_id"], data["opened_at"], data["topics"]) == (1, starts, 2)
    with app.app_context():
        assert db.session.get(Forum, 1).window_opened_at == starts + dt.timedelta(minutes=10)


def test_the_beat_task_sends_opened_before_closed(app, create_forum, outbox):
    create_forum(starts_at=utcnow() - 20 * DAY)  # its windows opened and closed unseen
    with app.app_context():
        assert tasks.close_windows() == [1]
    assert [topic for topic, _ in _topics(app)] == [events.FEEDBACK_WINDOW_OPENED,
                                                    events.FEEDBACK_WINDOW_CLOSED]


def _topics(app):
    """(topic, payload) of feedback's outbox, in order."""
    with app.app_context():
        return [(row.topic, row.payload) for row in db.session.scalars(
            sa.select(OutboxMessage).order_by(OutboxMessage.id))]


def test_a_cancelled_forum_and_a_targeted_session_are_not_announced(app, create_forum, outbox):
    create_forum(event_id=1)
    create_forum(event_id=2)
    with app.app_context():
        forum_changes.cancel(SCHEMAS[events.EVENT_CANCELLED]().load(_cancelled(1)))
        builders.sync(builders.announcement(event_id=2, kind="targeted"))
        db.session.commit()
    assert open_now(app, utcnow()) == []
    assert outbox(events.FEEDBACK_WINDOW_OPENED) == []


def _cancelled(event_id):
    """An ``event.cancelled`` payload for the forum."""
    now = utcnow()
    return {"message_id": str(uuid.uuid4()), "occurred_at": now.isoformat(),
            "event_id": event_id, "kind": "forum", "title": "Autumn provider forum",
            "starts_at": (now - 2 * DAY).isoformat(), "ends_at": (now - DAY).isoformat(),
            "url": builders.EVENT_URL.format(id=event_id), "sequence": 2,
            "reason": "Too few registrations", "cancelled_at": now.isoformat()}


def test_two_runs_at_once_announce_the_forum_once(app, create_forum, outbox):
    create_forum()
    dispose_engines()  # each thread takes a connection of its own
    barrier, found, errors = threading.Barrier(2), [], []

    def run():
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                found.append(opening.open_due_forums())
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported by the test
                db.session.rollback()
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sorted(found) == [[], [1]]
    assert len(outbox(events.FEEDBACK_WINDOW_OPENED)) == 1
