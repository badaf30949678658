"""Databases: one declarative base and one engine per component, sessions scoped to the app context.

A service declares ``class Base(DeclarativeBase)`` via :func:`make_base` and a ``db = Database(name,
Base)``; ``create_app`` calls ``db.init_app(app)``. Views and tasks use ``db.session``, which is
removed when the app context ends. Operations flush; controllers and tasks commit.

On SQLite (the embedded default) write transactions take the lock up front, in order
(:mod:`shared.sqlite`), and the pool holds two connections for each request ``foorumi serve``
runs at once (``SERVE_THREADS``): the session's, and the one the outbox publishes through right
after the commit.
"""

import datetime as dt
import threading

import sqlalchemy as sa
from flask import current_app, g
from sqlalchemy.orm import DeclarativeBase, MappedAsDataclass, scoped_session, sessionmaker  # noqa: F401

from shared import deadlines, sqlite
from shared.config import DEFAULTS, database_url

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

_engines = {}
_engines_lock = threading.Lock()


def utcnow():
    """The current time in UTC, timezone-aware."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(sa.types.TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        """Refuse naive datetimes and store everything in UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given for a UTC column")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value, dialect):
        """Attach UTC to what SQLite hands back without a zone."""
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        return value


def make_base():
    """A fresh declarative base with the project's constraint naming convention."""

    class Base(DeclarativeBase):
        metadata = sa.MetaData(naming_convention=NAMING)
        type_annotation_map = {dt.datetime: UTCDateTime()}

    return Base


def engine_for(url, echo=False, threads=None):
    """One engine per URL per process, created on first use.

    ``threads``: the requests the process serves at once (SERVE_THREADS), which sizes a SQLite
    pool; the first caller's value holds for the process.
    """
    with _engines_lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _make_engine(url, echo, threads or DEFAULTS["SERVE_THREADS"])
            _engines[url] = engine
        return engine


def _make_engine(url, echo, threads):
    """Create an engine with the dialect settings foorumi relies on."""
    if url.startswith("sqlite"):
        # the session's connection and the outbox's after-commit one, for each request at once;
        # a request beyond that waits for a connection (for less than the busy timeout)
        engine = sa.create_engine(url, echo=echo, pool_size=threads, max_overflow=threads,
                                  pool_timeout=sqlite.BUSY_TIMEOUT_SECONDS,
                                  connect_args={"timeout": sqlite.BUSY_TIMEOUT_SECONDS})
        return sqlite.install(engine)
    return sa.create_engine(url, echo=echo, pool_pre_ping=True, pool_size=10, max_overflow=40,
                            pool_timeout=deadlines.POOL_TIMEOUT_SECONDS,
                            connect_args=deadlines.postgres_connect_args())


def dispose_engines():
    """Close every pooled connection (after a fork, or at the end of a test run)."""
    with _engines_lock:
        for engine in _engines.values():
            engine.dispose()
        _engines.clear()


def _scope():
    """The identity of the current app context; sessions live as long as it does."""
    return id(g._get_current_object())


class Database:
    """The database of one component: its metadata, engine and app-context-scoped session."""

    def __init__(self, component, base):
        self.component = component
        self.Model = base
        self.metadata = base.metadata
        self._session_factory = sessionmaker(expire_on_commit=False)
        self._engine = None
        self.session = scoped_session(self._session_factory, scopefunc=_scope)

    def init_app(self, app):
        """Bind to the app's configured URL and remove the session at the end of each context.

        The session's connections carry the component's name, so SQLite can tell them from the
        outbox's own (:func:`shared.sqlite.locks_up_front`).
        """
        url = database_url(app.config, self.component)
        app.extensions[f"db.{self.component}"] = self
        self._engine = engine_for(url, app.config.get("DATABASE_ECHO", False),
                                  app.config.get("SERVE_THREADS"))
        self._session_factory.configure(
            bind=self._engine.execution_options(**{sqlite.SESSION_OPTION: self.component}))
        app.teardown_appcontext(self._remove)

    def _remove(self, _exc=None):
        """End the context's session, rolling back whatever was not committed."""
        self.session.remove()

    @property
    def engine(self):
        """The engine of the component's database (the session's connections come from it)."""
        return self._engine

    def create_all(self):
        """Create the tables directly (tests and the embedded first run use migrations instead)."""
        self.metadata.create_all(self.engine)

    def is_postgresql(self):
        """Whether the bound database is PostgreSQL (for row locks and SKIP LOCKED)."""
        return self.engine.dialect.name == "postgresql"


def current_db(component):
    """The Database of ``component`` in the current app."""
    return current_app.extensions[f"db.{component}"]
