"""PostgreSQL databases of one run: unique names, created, migrated, and dropped at the end."""

import os
import time

import psycopg

from foorumi.migrations import FOLDERS
from shared import migrate
from shared.db import dispose_engines

ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
#: the floor's own database, beside the suite's components
FLOOR = "floor"


def _admin():
    """An autocommit connection to the maintenance database (CREATE/DROP DATABASE)."""
    return psycopg.connect(ADMIN_URL, autocommit=True, connect_timeout=5)


def sqlalchemy_url(name):
    """The SQLAlchemy URL of database ``name`` on the same server."""
    base = ADMIN_URL.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


class Databases:
    """One database per component (accounts, the four services, the floor), named uniquely."""

    def __init__(self):
        self.prefix = f"bench_{os.getpid()}_{int(time.time())}"
        self.created = []

    def name(self, component):
        """The database name of ``component`` in this run."""
        return f"{self.prefix}_{component}"

    def url(self, component):
        """The SQLAlchemy URL of ``component``'s database."""
        return sqlalchemy_url(self.name(component))

    def create_all(self):
        """Create every database and bring the suite's components to their newest schema."""
        with _admin() as conn:
            for component in (*FOLDERS, FLOOR):
                conn.execute(f'CREATE DATABASE "{self.name(component)}"')
                self.created.append(self.name(component))
        for component, folder in FOLDERS.items():
            migrate.upgrade(component, folder, self.url(component))

    def environ(self):
        """The FOORUMI_*_DATABASE_URL variables that point the suite at these databases."""
        return {f"FOORUMI_{c.upper()}_DATABASE_URL": self.url(c) for c in FOLDERS}

    def drop_all(self):
        """Drop every database this run created (closing whatever still uses them)."""
        dispose_engines()
        if not self.created:
            return
        with _admin() as conn:
            while self.created:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.created.pop()}" WITH (FORCE)')
