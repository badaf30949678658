"""Test configuration: the shared fixtures, and the two that need the suite's composition root."""

import pytest

from foorumi.apps import FACTORIES, create_portal
from foorumi.migrations import FOLDERS
from shared import migrate
from shared.db import dispose_engines
from shared.testing import databases

pytest_plugins = ["shared.testing.fixtures"]


@pytest.fixture(scope="session")
def database_urls(backend, tmp_path_factory):
    """{component: URL} of migrated test databases for the backend, dropped at the end."""
    if backend == "postgresql":
        urls = databases.create_pg_databases()
    else:
        urls = databases.sqlite_urls(tmp_path_factory.mktemp("sqlite"))
    for component, url in urls.items():
        migrate.upgrade(component, FOLDERS[component], url)
    yield urls
    dispose_engines()
    if backend == "postgresql":
        databases.drop_pg_databases(urls)


@pytest.fixture
def make_app(settings):
    """Build a service's app (``make_app("registration", RATELIMIT_ENABLED=True)``)."""
    def build(service, **overrides):
        factory = create_portal if service == "portal" else FACTORIES[service]
        return factory({**settings, **overrides})

    return build
