"""Fixtures of the staff pages' tests: a secretary's client and an administrator's client."""

import pytest

from shared.testing.fixtures import login_as
from tests.registration.builders import english, fast_passwords  # noqa: F401 - a fixture


@pytest.fixture(autouse=True)
def _fast(fast_passwords):  # noqa: F811 - the fixture imported above
    """Staff logins hash passwords cheaply in these tests."""


@pytest.fixture
def client(app):
    """A secretary's client, reading English."""
    client = english(app)
    login_as(app, client, "secretary")
    return client


@pytest.fixture
def admin(app):
    """An administrator's client, reading English."""
    client = english(app)
    login_as(app, client, "admin")
    return client
