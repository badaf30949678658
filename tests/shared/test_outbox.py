"""The transactional outbox: emit in the caller's transaction, relay to a real broker, dedupe."""

import uuid

import pytest
import sqlalchemy as sa
from kombu import Connection
from marshmallow import ValidationError

from services.notify.models import OutboxMessage, ProcessedMessage, SubscriptionRequest, db
from shared import outbox
from shared.contracts import events, notify
from shared.db import utcnow
from shared.testing.databases import redis_url
from shared.testing.smtp import free_port

REDIS_DB = 11


def email_values(to="maija@example.fi"):
    """Values of a valid notify.send_email message (without id and time)."""
    return {"to": to, "locale": "fi", "template": "registration_confirmed",
            "context": {"event_title": "Forum"}}


def unsent():
    """The outbox rows not yet published."""
    return db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).all()


def waiting(url, queue="notify"):
    """(Celery headers, body) of every message waiting in ``queue``, consumed in order."""
    found = []
    with Connection(url) as conn:
        simple = conn.SimpleQueue(queue)
        try:
            while True:
                message = simple.get(block=True, timeout=0.2)
                found.append((message.headers, message.payload))
                message.ack()
        except simple.Empty:
            pass
        finally:
            simple.close()
    return found


def queued(url, queue="notify"):
    """(task name, first argument) of every message waiting in ``queue``, consumed in order."""
    return [(headers["task"], body[0][0]) for headers, body in waiting(url, queue)]


@pytest.fixture
def broker():
    """A flushed Redis database to use as the broker."""
    return redis_url(REDIS_DB)


def test_emit_fills_id_and_time_and_waits_for_the_commit(make_app):
    app = make_app("notify")
    with app.app_context():
        row = outbox.emit(db.session, OutboxMessage, notify.SEND_EMAIL, **email_values())
        db.session.commit()
        (stored,) = unsent()
    assert stored.id == row.id and stored.topic == notify.SEND_EMAIL
    assert stored.payload["message_id"] == stored.message_id
    assert uuid.UUID(stored.message_id)
    assert stored.payload["to"] == "maija@example.fi" and stored.payload["occurred_at"]


def test_emit_is_part_of_the_callers_transaction(make_app):
    app = make_app("notify")
    with app.app_context():
        outbox.emit(db.session, OutboxMessage, notify.SEND_EMAIL, **email_values())
        db.session.rollback()
        assert unsent() == []


@pytest.mark.parametrize("change", [{"to": "not an address"}, {"template": "nope"},
                                    {"locale": "de"}, {"to": None}])
def test_emit_refuses_a_payload_that_breaks_the_contract(make_app, change):
    app = make_app("notify")
    with app.app_context():
        with pytest.raises(ValidationError):
            outbox.emit(db.session, OutboxMessage, notify.SEND_EMAIL,
                        **{**email_values(), **change})
        db.session.commit()
        assert unsent() == []


def test_relay_publishes_in_order_and_marks_sent(make_app, broker):
    app = make_app("notify", BROKER_URL=broker)
    with app.app_context():
        first = outbox.emit(db.session, OutboxMessage, notify.SEND_EMAIL, **email_values("a@x.fi"))
        second = outbox.emit(db.session, OutboxMessage, notify.SEND_EMAIL, **email_values("b@x.fi"))
        db.session.commit()
        assert outbox.relay(db, OutboxMessage) == 2
        assert unsent() == []
        assert outbox.relay(db, OutboxMessage) == 0  # nothing is published twice
    assert queued(broker) == [(notify.SEND_EMAIL, first.payload),
                              (notify.SEND_EMAIL, second.payload)]


def test_an_event_without_receivers_is_marked_sent_and_publishes_nothing(make_app, broker):
    app = make_app("notify", BROKER_URL=broker)
    now = utcnow().isoformat()
    with app.app_context():
        outbox.emit(db.session, OutboxMessage, events.EVENT_PUBLISHED, event_id=1, kind="forum",
                    title="Forum", theme="budget", starts_at=now, ends_at=now,
                    url="http://localhost/registration/events/1")
        db.session.commit()
        outbox.relay(db, OutboxMessage)
        assert unsent() == []
    receivers = events.RECEIVERS[events.EVENT_PUBLISHED]  # each receiver's own queue
    found = [task for queue in sorted({r.split(".", 1)[0] for r in receivers})
             for task, _ in queued(broker, queue)]
    assert sorted(found) == sorted(receivers)


def test_commit_publishes_at_once_when_asked(make_app, broker):
    app = make_app("notify", BROKER_URL=broker, PUBLISH_IMMEDIATELY=True)
    with app.app_context():
        row = outbox.emit(db.session, OutboxMessage, notify.SEND_EMAIL, **email_values())
        db.session.commit()
        assert unsent() == []
    assert queued(broker) == [(notify.SEND_EMAIL, row.payload)]


def test_broker_down_keeps_the_message_with_attempts_then_relays_it(make_app, broker):
    down = make_app("notify", BROKER_URL=f"redis://127.0.0.1:{free_port()}/0",
                    PUBLISH_IMMEDIATELY=True)
    with down.app_context():
        row = outbox.emit(db.session, OutboxMessage, notify.SEND_EMAIL, **email_values())
        db.session.commit()  # the change stands although publishing after it failed
        (stored,) = unsent()
        db.session.refresh(stored)
        assert stored.attempts == 1 and "refused" in stored.last_error.lower()
    up = make_app("notify", BROKER_URL=broker)
    with up.app_context():
        assert outbox.relay(db, OutboxMessage) == 1
        assert unsent() == []
    assert queued(broker) == [(notify.SEND_EMAIL, row.payload)]


def subscription(message_id):
    """A notify.request_subscription payload with ``message_id``."""
    return {"message_id": message_id, "occurred_at": utcnow().isoformat(),
            "email": "maija@example.fi", "locale": "fi"}


def test_consumer_runs_once_per_message(make_app):
    calls = []

    @outbox.consumer(db, ProcessedMessage, notify.REQUEST_SUBSCRIPTION)
    def store(data):
        calls.append(data["message_id"])
        db.session.add(SubscriptionRequest(email=data["email"], locale=data["locale"]))
        return "stored"

    app = make_app("notify")
    message_id = str(uuid.uuid4())
    with app.app_context():
        assert store(subscription(message_id)) == "stored"
    with app.app_context():
        assert store(subscription(message_id)) is None
        assert store(subscription(str(uuid.uuid4()))) == "stored"
        assert len(db.session.scalars(sa.select(SubscriptionRequest)).all()) == 2
    assert len(calls) == 2


def test_consumer_that_fails_leaves_the_message_unprocessed(make_app):
    @outbox.consumer(db, ProcessedMessage, notify.REQUEST_SUBSCRIPTION)
    def explode(data):
        db.session.add(SubscriptionRequest(email=data["email"], locale=data["locale"]))
        raise RuntimeError("boom")

    app = make_app("notify")
    message_id = str(uuid.uuid4())
    with app.app_context(), pytest.raises(RuntimeError):
        explode(subscription(message_id))
    with app.app_context():
        assert db.session.get(ProcessedMessage, message_id) is None
        assert db.session.scalars(sa.select(SubscriptionRequest)).all() == []


def test_consumer_refuses_an_invalid_payload(make_app):
    @outbox.consumer(db, ProcessedMessage, notify.REQUEST_SUBSCRIPTION)
    def store(data):
        raise AssertionError("must not run")

    app = make_app("notify")
    with app.app_context(), pytest.raises(ValidationError):
        store({"message_id": "x", "email": "nope"})


def test_a_commit_publishes_its_own_rows_and_leaves_older_ones_to_beat(make_app, broker):
    app = make_app("notify", BROKER_URL=broker, PUBLISH_IMMEDIATELY=False)
    with app.app_context():
        older = outbox.emit(db.session, OutboxMessage, notify.SEND_EMAIL, **email_values("a@x.fi"))
        db.session.commit()
    app.config["PUBLISH_IMMEDIATELY"] = True
    with app.app_context():
        mine = outbox.emit(db.session, OutboxMessage, notify.SEND_EMAIL, **email_values("b@x.fi"))
        db.session.commit()
        assert [row.id for row in unsent()] == [older.id]
        assert outbox.relay(db, OutboxMessage) == 1
    assert queued(broker) == [(notify.SEND_EMAIL, mine.payload), (notify.SEND_EMAIL, older.payload)]


def test_a_row_of_a_rolled_back_savepoint_is_never_published(make_app, broker):
    app = make_app("notify", BROKER_URL=broker, PUBLISH_IMMEDIATELY=True)
    with app.app_context():
        kept = outbox.emit(db.session, OutboxMessage, notify.SEND_EMAIL, **email_values("a@x.fi"))
        savepoint = db.session.begin_nested()
        outbox.emit(db.session, OutboxMessage, notify.SEND_EMAIL, **email_values("gone@x.fi"))
        db.session.flush()
        savepoint.rollback()
        db.session.commit()
        assert unsent() == []
        assert db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))) == 1
    assert queued(broker) == [(notify.SEND_EMAIL, kept.payload)]


def test_the_broker_headers_name_the_message_without_its_personal_data(make_app, broker):
    app = make_app("notify", BROKER_URL=broker, PUBLISH_IMMEDIATELY=True)
    with app.app_context():
        row = outbox.emit(db.session, OutboxMessage, notify.SEND_EMAIL,
                          **email_values("maija.meikalainen@example.fi"))
        db.session.commit()
    ((found, _body),) = waiting(broker)
    assert found["argsrepr"] == f"{notify.SEND_EMAIL} {row.message_id}"
    assert "maija" not in repr(found)
