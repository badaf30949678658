"""The publish right after a commit never holds a request long, whatever the broker does.

Each test owns a ``redis-server`` and stops it (SIGKILL) or freezes it (SIGSTOP): the commit
returns within about the OUTBOX_PUBLISH_TIMEOUT (0.1 s), the message stays in the outbox with the
attempt recorded, and the relay that beat runs publishes it once the broker answers again.
"""

import time

import pytest
import redis
import sqlalchemy as sa

from services.notify.models import OutboxMessage, db
from shared import outbox
from shared.contracts import notify
from shared.testing.servers import RedisServer

#: the longest the commit may take (publish timeout 0.1 s, plus the commit itself)
QUICK = 0.5


@pytest.fixture
def broker(tmp_path):
    """A Redis of the test's own as the broker."""
    with RedisServer(tmp_path / "redis") as server:
        yield server


def commit_one(app, to="maija@example.fi"):
    """Emit one notify.send_email and commit; returns (payload, seconds the commit took)."""
    with app.app_context():
        row = outbox.emit(db.session, OutboxMessage, notify.SEND_EMAIL, to=to, locale="fi",
                          template="registration_confirmed", context={"event_title": "Forum"})
        started = time.monotonic()
        db.session.commit()
        return row.payload, time.monotonic() - started


def stored(app):
    """(sent, attempts, last error) of every outbox row, in order."""
    with app.app_context():
        rows = db.session.execute(sa.select(OutboxMessage.sent_at, OutboxMessage.attempts,
                                            OutboxMessage.last_error).order_by(OutboxMessage.id))
        return [(sent is not None, attempts, error) for sent, attempts, error in rows]


def waiting(broker):
    """How many messages wait in the notify queue of ``broker``."""
    return redis.Redis(port=broker.port, socket_timeout=1).llen("notify")


def test_a_frozen_broker_holds_the_commit_only_for_the_publish_timeout(make_app, broker):
    app = make_app("notify", BROKER_URL=broker.url(0), PUBLISH_IMMEDIATELY=True)
    commit_one(app, "first@example.fi")  # connected, and published
    broker.pause()
    try:
        _payload, seconds = commit_one(app)
        _payload, again = commit_one(app, "second@example.fi")  # resting: not even tried
    finally:
        broker.resume()
    assert seconds < QUICK and again < 0.1
    (first, frozen, resting) = stored(app)
    assert first[0] and not frozen[0] and not resting[0]
    assert frozen[1] == 1 and "timeout" in frozen[2].lower()
    assert resting[1] == 0  # left to beat's relay without a try
    with app.app_context():
        assert outbox.relay(db, OutboxMessage) == 2  # what beat does every few seconds
    assert all(sent for sent, _, _ in stored(app))


def test_a_stopped_broker_costs_the_commit_nothing_and_the_relay_sends_after(make_app, broker):
    app = make_app("notify", BROKER_URL=broker.url(0), PUBLISH_IMMEDIATELY=True)
    commit_one(app, "first@example.fi")
    broker.stop()
    _payload, seconds = commit_one(app)
    assert seconds < QUICK
    assert stored(app)[1][:2] == (False, 1) and "refused" in stored(app)[1][2].lower()
    with app.app_context():
        assert outbox.relay(db, OutboxMessage) == 0  # still down: kept for the next run
    broker.start()  # empty: the message published before the outage is gone with it
    with app.app_context():
        assert outbox.relay(db, OutboxMessage) == 1
    assert waiting(broker) == 1
    assert stored(app)[1][:2] == (True, 2)
