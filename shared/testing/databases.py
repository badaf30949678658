"""Test databases: SQLite files in a temp folder, or fresh PostgreSQL databases on the machine.

With ``CI=true`` a PostgreSQL or Redis that cannot be reached fails the run; elsewhere the
PostgreSQL and Redis tests are skipped with a reason.
"""

import os
import uuid

import psycopg
import pytest
import redis

PG_ADMIN_URL = os.environ.get("FOORUMI_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("FOORUMI_TEST_REDIS_URL", "redis://127.0.0.1:6379")
COMPONENTS = ("accounts", "registration", "feedback", "memo", "notify")


def in_ci():
    """Whether this run is CI, where a missing service is a failure, never a skip."""
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(service, check):
    """Run ``check``; if it fails, fail in CI and skip elsewhere."""
    try:
        check()
    except Exception as exc:  # noqa: BLE001
        message = f"{service} is not reachable: {exc}"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def _pg_admin():
    """An autocommit connection to the server's maintenance database."""
    return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)


def create_pg_databases():
    """A fresh PostgreSQL database per component; returns {component: SQLAlchemy URL}."""
    require("PostgreSQL", lambda: _pg_admin().close())
    tag = uuid.uuid4().hex[:8]
    urls = {}
    with _pg_admin() as conn:
        for component in COMPONENTS:
            name = f"foorumi_test_{component}_{tag}"
            conn.execute(f'CREATE DATABASE "{name}"')
            urls[component] = _url_of(name)
    return urls


def _url_of(database):
    """The SQLAlchemy URL of ``database`` on the server of PG_ADMIN_URL."""
    server = PG_ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{server}/{database}"


def drop_pg_databases(urls):
    """Drop the databases :func:`create_pg_databases` made."""
    with _pg_admin() as conn:
        for url in urls.values():
            name = url.rsplit("/", 1)[1]
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def sqlite_urls(folder):
    """A SQLite file per component in ``folder``."""
    return {c: f"sqlite:///{folder / (c + '.sqlite')}" for c in COMPONENTS}


def redis_url(db_number):
    """A Redis URL on its own logical database, flushed first; fails in CI if unreachable."""
    url = f"{REDIS_URL}/{db_number}"
    require("Redis", lambda: redis.Redis.from_url(url, socket_connect_timeout=2).flushdb())
    return url
