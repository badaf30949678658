"""The transactional outbox (rule 2 of the house): nothing is lost between a commit and a message.

* :func:`emit` writes a message to the service's own ``outbox_messages`` table in the caller's
  transaction, so the message exists exactly when the change does.
* :func:`relay` publishes unsent rows to Celery (fanning an event out to its receivers) and marks
  them sent. Right after each commit that wrote messages, that commit's own rows are claimed by id
  in one ``UPDATE … RETURNING`` and published (best effort) on a connection that waits at most
  ``OUTBOX_PUBLISH_TIMEOUT`` (0.1 s) for the broker, and not at all for the 10 s after a failure;
  beat runs the full relay every few seconds, so a message written while the broker is down or
  stalled goes out once it is back.
* :func:`consumer` wraps a receiving task: it loads the payload through its contract schema and
  records the ``message_id`` in ``processed_messages`` in the same transaction as the task's
  effects, so a redelivered message has no second effect.
"""

import datetime as dt
import logging
import time
import uuid

import sqlalchemy as sa
from flask import current_app
from kombu.exceptions import LimitExceeded
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from shared.celery import broker_connection, celery_app, periodic
from shared.contracts import ROUTES, SCHEMAS
from shared.db import utcnow

log = logging.getLogger(__name__)

#: seconds to skip the after-commit publish after it failed (beat's relay still runs)
BROKER_BACKOFF_SECONDS = 10.0
#: broker URL -> monotonic time until which the after-commit publish skips it
_broker_down_until = {}


def outbox_models(base):
    """The ``OutboxMessage`` and ``ProcessedMessage`` models of one service's database."""

    class OutboxMessage(base):
        """A message waiting to be published, written in the same transaction as its cause."""

        __tablename__ = "outbox_messages"
        __table_args__ = (
            sa.Index("ix_outbox_messages_unsent", "id", sqlite_where=sa.text("sent_at IS NULL"),
                     postgresql_where=sa.text("sent_at IS NULL")),
        )
        #: the row's own order
        id: Mapped[int] = mapped_column(primary_key=True)
        #: the id receivers dedupe on (also inside ``payload``)
        message_id: Mapped[str] = mapped_column(sa.String(36), unique=True)
        #: a topic of shared.contracts.ROUTES
        topic: Mapped[str] = mapped_column(sa.String(100))
        #: the JSON payload, already dumped through the topic's schema
        payload: Mapped[dict] = mapped_column(sa.JSON)
        #: when the cause was committed (UTC)
        created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
        #: when the relay handed it to the broker; NULL while unsent
        sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)
        #: failed publish attempts
        attempts: Mapped[int] = mapped_column(default=0)
        #: the last publish error, for operators
        last_error: Mapped[str | None] = mapped_column(sa.Text, default=None)

    class ProcessedMessage(base):
        """A message this service has already handled; its id makes a redelivery a no-op."""

        __tablename__ = "processed_messages"
        #: the message's id
        message_id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)
        #: the task that handled it
        task: Mapped[str] = mapped_column(sa.String(100))
        #: when it was handled (UTC)
        processed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    return OutboxMessage, ProcessedMessage


def emit(session, model, topic, **values):
    """Add a message on ``topic`` to the outbox in the caller's transaction; flush, never commit.

    ``values`` are validated by the topic's contract schema; ``message_id`` and ``occurred_at``
    are filled in. Raises marshmallow.ValidationError if the payload breaks the contract.
    """
    schema = SCHEMAS[topic]()
    values.setdefault("message_id", str(uuid.uuid4()))
    values.setdefault("occurred_at", utcnow().isoformat())
    payload = schema.dump(schema.load(values))
    row = model(message_id=str(payload["message_id"]), topic=topic, payload=payload)
    session.add(row)
    session.info.setdefault("outbox_rows", []).append(row)
    return row


def install_after_commit(db, model):
    """Publish a session's new outbox rows right after it commits (best effort, never raises)."""
    if getattr(db, "outbox_hook_installed", False):
        return
    db.outbox_hook_installed = True

    @sa.event.listens_for(db._session_factory, "after_commit")
    def _after_commit(session):
        rows = session.info.pop("outbox_rows", None)
        if not rows:
            return
        if not current_app.config.get("PUBLISH_IMMEDIATELY", True) or _broker_resting():
            return
        # rows a rollback (of the transaction or a savepoint) dropped are no longer persistent
        ids = sorted({row.id for row in rows if sa.inspect(row).persistent})
        # the committed session can't be reused inside its own after_commit hook
        try:
            with db.engine.connect() as conn:
                publish_committed(conn, model, ids)
        except Exception:  # noqa: BLE001 - the committed change stands; beat's relay retries
            log.exception("outbox: publishing after commit failed; beat's relay will retry")


def _broker_resting():
    """Whether the configured broker failed within the last BROKER_BACKOFF_SECONDS."""
    return time.monotonic() < _broker_down_until.get(celery_app.conf.broker_url, 0.0)


def relay_task(service, db, model):
    """Register ``<service>.relay_outbox``, which beat runs every OUTBOX_RELAY_INTERVAL seconds."""
    name = f"{service}.relay_outbox"
    periodic(name, seconds_setting="OUTBOX_RELAY_INTERVAL")

    @celery_app.task(name=name)
    def relay_outbox():
        """Publish the outbox's unsent messages; returns how many went out."""
        return relay(db, model)

    return relay_outbox


def relay(db, model, limit=500):
    """Publish up to ``limit`` unsent messages in order and mark them sent; returns how many."""
    with db.engine.connect() as conn:
        return relay_with(conn, model, limit)


def relay_with(conn, model, limit):
    """Publish unsent rows over ``conn``: rows are locked (SKIP LOCKED on PostgreSQL) while sent."""
    table = model.__table__
    query = sa.select(table.c.id, table.c.topic, table.c.payload).where(table.c.sent_at.is_(None))
    query = query.order_by(table.c.id).limit(limit)
    if conn.dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    with conn.begin():
        rows = conn.execute(query).all()
        if rows:
            conn.execute(table.update().where(table.c.id.in_([row.id for row in rows]))
                         .values(sent_at=utcnow()))
        return _publish_claimed(conn, table, rows, quick=False)


def publish_committed(conn, model, ids):
    """Claim the unsent rows among ``ids`` and publish them; returns how many went out.

    One ``UPDATE … WHERE id IN (…) AND sent_at IS NULL RETURNING`` marks them sent and locks them
    until the transaction ends (PostgreSQL skips rows beat's relay holds). A crash before the
    commit leaves them unsent for beat; a failed publish puts the rest back.
    """
    if not ids:
        return 0
    table = model.__table__
    claim = sa.and_(table.c.id.in_(ids), table.c.sent_at.is_(None))
    if conn.dialect.name == "postgresql":
        claim = table.c.id.in_(sa.select(table.c.id).where(claim).with_for_update(skip_locked=True))
    with conn.begin():
        rows = conn.execute(table.update().where(claim).values(sent_at=utcnow())
                            .returning(table.c.id, table.c.topic, table.c.payload)).all()
        return _publish_claimed(conn, table, sorted(rows, key=lambda row: row.id), quick=True)


def _publish_claimed(conn, table, rows, quick):
    """Publish ``rows``, already marked sent in ``conn``'s transaction, in order.

    ``quick``: on the after-commit publish's connection (see shared.celery.broker_connection).
    At the first broker failure that row records the attempt and it and the rest are unmarked,
    for beat's relay to retry. Returns how many went out.
    """
    tasks = [task for row in rows for task in ROUTES.get(row.topic, ())]
    if not tasks:  # events nobody receives: nothing to send
        return len(rows)
    sent = 0
    try:
        with broker_connection(quick) as broker:
            for row in rows:
                _publish(broker, row.topic, row.payload)
                sent += 1
    except Exception as exc:  # noqa: BLE001 - any broker failure leaves the rows for later
        if sent == len(rows):  # every message went out; only letting the connection go failed
            return sent
        if not isinstance(exc, LimitExceeded):  # all connections busy is no broker failure
            _broker_down_until[celery_app.conf.broker_url] = time.monotonic() + BROKER_BACKOFF_SECONDS
        _unclaim(conn, table, rows[sent:], exc)
    return sent


def _unclaim(conn, table, rows, exc):
    """Leave ``rows`` unsent for beat's relay; the first, whose publish failed, records ``exc``."""
    log.warning("outbox: publishing %s failed, will retry: %s", rows[0].topic, exc)
    conn.execute(table.update().where(table.c.id.in_([r.id for r in rows])).values(sent_at=None))
    conn.execute(table.update().where(table.c.id == rows[0].id)
                 .values(attempts=table.c.attempts + 1, last_error=str(exc)[:2000]))


def _publish(broker, topic, payload):
    """Hand one message to the broker over the connection ``broker``, once per receiving task.

    The broker's headers name the message only by its topic and id (``argsrepr``): Celery
    would otherwise put a repr of the whole payload there, names and email addresses included,
    for every monitor and log to keep.
    """
    summary = f"{topic} {payload.get('message_id', '')}"
    for task_name in ROUTES.get(topic, ()):
        celery_app.send_task(task_name, args=[payload], retry=False, argsrepr=summary,
                             kwargsrepr="{}", connection=broker)


def consumer(db, processed_model, topic):
    """Decorate a task body ``fn(data)`` to load its payload and run at most once per message.

    The body's changes and the processed-message record commit together; a redelivered or
    concurrently delivered duplicate is skipped. Returns the body's result, or None if skipped.
    """

    def decorate(fn):
        def run(payload):
            data = SCHEMAS[topic]().load(payload)
            message_id = str(data["message_id"])
            session = db.session
            if session.get(processed_model, message_id) is not None:
                log.info("%s: message %s already processed", topic, message_id)
                return None
            session.add(processed_model(message_id=message_id, task=fn.__name__))
            result = fn(data)
            try:
                session.commit()
            except IntegrityError:
                session.rollback()
                log.info("%s: message %s processed concurrently", topic, message_id)
                return None
            return result

        run.__name__ = fn.__name__
        run.__doc__ = fn.__doc__
        return run

    return decorate
