"""SQLite transactions (shared.sqlite): write transactions lock up front and in order, reads don't.

Each test has its own database file. Whether a transaction holds the write lock is seen from a
second, plain sqlite3 connection that tries ``BEGIN IMMEDIATE`` without waiting.
"""

import sqlite3
import threading
import time

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy.exc import OperationalError

from shared.db import Database, dispose_engines, engine_for, make_base
from shared.sqlite import WriteQueue
from shared.testing.waiting import wait_until


@pytest.fixture
def url(tmp_path):
    """The URL of a fresh SQLite file with one counter row; its engines are dropped after."""
    url = f"sqlite:///{tmp_path / 'test.sqlite'}"
    with engine_for(url).begin() as conn:
        conn.exec_driver_sql("CREATE TABLE counters (id INTEGER PRIMARY KEY, value INTEGER)")
        conn.exec_driver_sql("INSERT INTO counters VALUES (1, 0)")
    yield url
    dispose_engines()


def locked(url):
    """Whether someone holds the file's write lock right now."""
    other = sqlite3.connect(url.removeprefix("sqlite:///"), timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        other.close()


def component_app(url, service="things"):
    """(app, db): a Flask app of ``service`` with a database of the component ``things``."""
    app = Flask(__name__)
    app.config.update(SERVICE=service, THINGS_DATABASE_URL=url)
    db = Database("things", make_base())
    db.init_app(app)
    return app, db


def read_counter(session):
    """The counter's value, read through ``session``."""
    return session.execute(sa.text("SELECT value FROM counters")).scalar_one()


def test_an_engine_connection_takes_the_write_lock_when_it_begins(url):
    with engine_for(url).connect() as conn:
        conn.begin()
        assert locked(url)
        conn.rollback()
        assert not locked(url)


@pytest.mark.parametrize("method", ["GET", "HEAD"])
def test_a_reading_request_holds_no_lock(url, method):
    app, db = component_app(url)
    with app.test_request_context("/", method=method):
        assert read_counter(db.session) == 0
        assert not locked(url)


def test_a_changing_request_locks_its_service_database_up_front(url):
    app, db = component_app(url)
    with app.test_request_context("/", method="POST"):
        assert read_counter(db.session) == 0
        assert locked(url)
        db.session.commit()
        assert not locked(url)


def test_a_changing_request_reads_a_shared_database_without_locking_it(url):
    app, db = component_app(url, service="registration")
    with app.test_request_context("/", method="POST"):
        assert read_counter(db.session) == 0
        assert not locked(url)


def test_a_session_outside_requests_locks_at_its_first_write(url):
    app, db = component_app(url)
    with app.app_context():
        read_counter(db.session)
        assert not locked(url)
        db.session.execute(sa.text("UPDATE counters SET value = 1"))
        assert locked(url)
        db.session.rollback()


def test_savepoints_belong_to_the_transaction(url):
    engine = engine_for(url)
    with engine.connect() as conn:
        conn.begin()
        conn.exec_driver_sql("UPDATE counters SET value = 1")
        savepoint = conn.begin_nested()
        conn.exec_driver_sql("UPDATE counters SET value = 2")
        savepoint.rollback()
        assert conn.exec_driver_sql("SELECT value FROM counters").scalar() == 1
        released = conn.begin_nested()
        conn.exec_driver_sql("UPDATE counters SET value = 3")
        released.commit()
        conn.rollback()  # a released savepoint goes with its transaction
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT value FROM counters").scalar() == 0


def _increment_from_threads(engine, threads=20):
    """Read the counter, pause, write it plus one, from ``threads`` threads; the final value."""
    def increment():
        with engine.begin() as conn:
            value = conn.exec_driver_sql("SELECT value FROM counters").scalar()
            time.sleep(0.005)
            conn.exec_driver_sql("UPDATE counters SET value = ?", (value + 1,))

    workers = [threading.Thread(target=increment) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT value FROM counters").scalar()


def test_concurrent_read_then_write_transactions_lose_no_update(url):
    assert _increment_from_threads(engine_for(url)) == 20


def test_control_the_drivers_own_transactions_lose_updates(url):
    plain = sa.create_engine(url, connect_args={"timeout": 15})
    try:
        assert _increment_from_threads(plain) < 20, "the control did not lose an update"
    finally:
        plain.dispose()


def test_writers_are_let_in_in_order_of_arrival():
    queue = WriteQueue()
    queue.enter("first")
    entered = []

    def writer(name):
        queue.enter(name)
        entered.append(name)
        queue.leave(name)

    threads = []
    for number, name in enumerate(["second", "third", "fourth"], start=1):
        threads.append(threading.Thread(target=writer, args=(name,)))
        threads[-1].start()
        wait_until(lambda n=number: len(queue._waiting) == n, timeout=5, message=f"{name} queued")
    queue.leave("first")
    for thread in threads:
        thread.join(timeout=5)
    assert entered == ["second", "third", "fourth"]


def test_a_writer_that_does_not_get_its_turn_in_time_finds_the_database_locked():
    queue = WriteQueue(timeout=0.1)
    queue.enter("holder")
    with pytest.raises(OperationalError, match="database is locked"):
        queue.enter("late")
    queue.leave("holder")
    queue.enter("next")  # the late one left the line


def test_a_closed_connection_gives_its_turn_back(url):
    engine = engine_for(url)
    conn = engine.connect()
    conn.begin()
    conn.close()  # rolled back: the next writer need not wait for the timeout
    started = time.monotonic()
    with engine.begin() as other:
        other.exec_driver_sql("UPDATE counters SET value = 5")
    assert time.monotonic() - started < 1
