"""SQLite as the embedded default runs it: WAL, and write transactions that lock up front.

SQLite has one writer at a time. A transaction that reads first and writes later can find, when
it wants the write lock, that someone else wrote in between; SQLite then fails it at once
("database is locked") instead of waiting. So a transaction that will write takes the write lock
at its start with ``BEGIN IMMEDIATE`` (SQLAlchemy's pysqlite recipe: the driver's own BEGIN is
switched off and the engine's "begin" event emits ours), waits for it in order of arrival
(:class:`WriteQueue`, then ``busy_timeout`` for other processes), and holds it only until its
commit. Which transactions write up front (:func:`locks_up_front`):

* a ``Connection`` of the engine's own (the outbox's claims and relay, the staff session's
  last-seen stamp, migrations): each is one short explicit write;
* the ORM session of a service's own database in a request that changes things (POST, PUT,
  PATCH, DELETE).

Everything else keeps the driver's default, which suits readers: statements run outside a
transaction, each seeing the latest commit (as PostgreSQL's READ COMMITTED does), so a page never
waits for a writer and holds no lock; at its first write the driver begins a transaction that
waits for the lock. The shared staff-accounts database stays there too: every service reads the
logged-in user from it, and the last-seen stamp writes it beside the request's own session.
"""

import collections
import sqlite3
import threading

from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

#: seconds a connection waits for another process's write lock (``busy_timeout``)
BUSY_TIMEOUT_SECONDS = 15
#: HTTP methods that only read: their sessions never take the write lock up front
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: the execution option that names the component whose ORM session a connection serves
SESSION_OPTION = "foorumi_session"


def on_connect(dbapi_connection, _record):
    """WAL so readers and a writer share a file; foreign keys on; wait for locks, don't fail."""
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def locks_up_front(connection):
    """Whether the transaction ``connection`` begins will write, so takes the lock now."""
    component = connection.get_execution_options().get(SESSION_OPTION)
    if component is None:
        return True
    if not has_request_context():
        return False
    return (request.method not in SAFE_METHODS
            and current_app.config.get("SERVICE") == component)


class WriteQueue:
    """This process's writers of one database file, let in one at a time in order of arrival.

    SQLite's own wait for the lock polls with growing sleeps, so under load a newcomer can pass
    one that has waited for seconds. Queueing here first keeps the order and wakes the next writer
    as soon as the lock is free; SQLite's wait remains for writers in other processes.
    """

    def __init__(self, timeout=BUSY_TIMEOUT_SECONDS):
        self.timeout = timeout
        self._lock = threading.Lock()
        self._waiting = collections.deque()
        self._holder = None

    def enter(self, owner):
        """Wait for our turn (``owner``: the connection); OperationalError after the timeout."""
        with self._lock:
            if self._holder is None and not self._waiting:
                self._holder = owner
                return
            turn = threading.Event()
            self._waiting.append((owner, turn))
        if turn.wait(self.timeout):
            return
        with self._lock:
            if self._holder is owner:  # handed over just as the wait ran out
                return
            self._waiting.remove((owner, turn))
        raise OperationalError("BEGIN IMMEDIATE", (), sqlite3.OperationalError("database is locked"))

    def leave(self, owner):
        """Hand the turn to the next writer in line (nothing if ``owner`` does not hold it)."""
        with self._lock:
            if self._holder is not owner:
                return
            self._holder = None
            if self._waiting:
                self._holder, turn = self._waiting.popleft()
                turn.set()


def install(engine):
    """Give a SQLite ``engine`` the pragmas, the up-front write lock and its write queue.

    A turn ends with its transaction, and at the latest when its connection goes back to the pool.
    """
    queue = WriteQueue()
    event.listen(engine, "connect", _autocommit_driver)
    event.listen(engine, "connect", on_connect)
    event.listen(engine, "begin", lambda conn: _begin(queue, conn))
    event.listen(engine, "commit", lambda conn: _end(queue, conn))
    event.listen(engine, "rollback", lambda conn: _end(queue, conn))
    event.listen(engine, "checkin", lambda dbapi_connection, _record: queue.leave(dbapi_connection))
    return engine


def _autocommit_driver(dbapi_connection, _record):
    """Keep the driver from beginning transactions behind SQLAlchemy's back (set per begin)."""
    dbapi_connection.isolation_level = None


def _begin(queue, connection):
    """BEGIN IMMEDIATE, in turn, for a transaction that will write; the driver's BEGIN otherwise."""
    dbapi_connection = connection.connection.dbapi_connection
    if not locks_up_front(connection):
        dbapi_connection.isolation_level = ""  # the driver begins before its first write
        return
    dbapi_connection.isolation_level = None
    queue.enter(dbapi_connection)
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except Exception:
        queue.leave(dbapi_connection)
        raise


def _end(queue, connection):
    """The transaction ended: let the next writer in."""
    queue.leave(connection.connection.dbapi_connection)
