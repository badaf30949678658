"""Fixtures of the memo service's tests: the app, staff clients, cheap password hashing."""

import pytest

from shared.testing.fixtures import login_as
from tests.registration.builders import english, fast_passwords  # noqa: F401 - a fixture


@pytest.fixture(autouse=True)
def _fast(fast_passwords):  # noqa: F811 - the fixture imported above
    """Staff logins hash passwords cheaply in these tests."""


@pytest.fixture
def app(make_app):
    """The memo service on the test databases."""
    return make_app("memo")


@pytest.fixture
def ctx(app):
    """An app context of the memo service for the test's duration."""
    with app.app_context():
        yield app


@pytest.fixture
def staff_client(app):
    """``staff_client("secretary")``: an English client logged in with those roles."""

    def make(*roles):
        client = english(app)
        login_as(app, client, *roles)
        return client

    return make
