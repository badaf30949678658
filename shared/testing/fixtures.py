"""Pytest fixtures shared by every service's tests.

* ``backend`` — "sqlite" or "postgresql"; every test that uses ``settings`` runs on both.
* ``settings`` — the overrides that point every component at the backend's test databases.
* ``database_urls`` and ``make_app(service)`` come from the suite's ``tests/conftest.py``: they
  need the composition root (``foorumi``), which nothing in ``shared`` may import.
* ``smtp`` — a real SMTP server in the test process.
* ``create_worker(pool, **overrides)`` — a real Celery worker subprocess on the test's settings.
* ``login(client, *roles)`` — a staff user with those roles, logged in on ``client``.
"""

import contextlib
import itertools

import pytest
import sqlalchemy as sa

from shared.db import engine_for
from shared.testing.smtp import SMTPServer

_user_numbers = itertools.count(1)


@pytest.fixture(scope="session", params=["sqlite", "postgresql"])
def backend(request):
    """The database backend of this run of the tests."""
    return request.param


def _empty_tables(urls):
    """Delete every row of every table (children first), keeping the schema."""
    for url in urls.values():
        engine = engine_for(url)
        meta = sa.MetaData()
        meta.reflect(engine)
        with engine.begin() as conn, _triggers_off(conn):
            for table in reversed(meta.sorted_tables):
                if not table.name.startswith("alembic_version"):
                    conn.execute(table.delete())


@contextlib.contextmanager
def _triggers_off(conn):
    """Let the tests' wipe pass triggers that guard rows (e.g. an append-only audit trail)."""
    if conn.dialect.name == "postgresql":
        conn.execute(sa.text("SET LOCAL session_replication_role = replica"))
        yield
        return
    triggers = conn.execute(sa.text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")).all()
    for name, _sql in triggers:
        conn.execute(sa.text(f'DROP TRIGGER "{name}"'))
    yield
    for _name, sql in triggers:
        conn.execute(sa.text(sql))


@pytest.fixture
def settings(database_urls, tmp_path):
    """Settings overrides for a test: its databases, no broker, no rate limits, no CSRF."""
    _empty_tables(database_urls)
    return {
        "ENV": "test",
        "SECRET_KEY": "test-secret",
        "PUBLIC_URL": "http://localhost",
        **{f"{c.upper()}_DATABASE_URL": url for c, url in database_urls.items()},
        "BROKER_URL": "memory://",
        "PUBLISH_IMMEDIATELY": False,
        "RATELIMIT_ENABLED": False,
        "WTF_CSRF_ENABLED": False,
        "MAIL_BACKEND": "devmailbox",
        "DEV_MAILBOX": True,
    }


@pytest.fixture
def smtp():
    """A running SMTP server; ``smtp.recorder`` has what it received."""
    with SMTPServer() as server:
        yield server


@pytest.fixture
def create_worker(settings, tmp_path):
    """Start a real Celery worker subprocess on ``settings`` plus overrides; stopped at the end.

    ``create_worker(pool="threads", BROKER_URL=redis_url(5), MAIL_BACKEND="smtp", SMTP_PORT=p)``
    returns a started :class:`shared.testing.worker.WorkerProcess`.
    """
    from shared.testing.worker import WorkerProcess

    workers = []

    def start(pool="threads", concurrency=2, **overrides):
        worker = WorkerProcess({**settings, **overrides}, tmp_path, pool=pool,
                               concurrency=concurrency)
        workers.append(worker)
        return worker.start()

    yield start
    for worker in workers:
        worker.stop()


def create_staff(app, *roles, password="correct horse battery"):
    """A staff user with ``roles`` in the accounts database; returns (email, password)."""
    from shared.auth import accounts_db, create_user

    email = f"staff{next(_user_numbers)}@example.fi"
    with app.app_context():
        create_user(email, f"Staff {'/'.join(roles) or 'none'}", password, roles)
        accounts_db.session.commit()
    return email, password


def login_as(app, client, *roles):
    """Create a staff user with ``roles`` and log them in on ``client``; returns the email."""
    email, password = create_staff(app, *roles)
    response = client.post("/staff/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.data
    return email
