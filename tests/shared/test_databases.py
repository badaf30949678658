"""A test service that cannot be reached fails the run in CI and is skipped elsewhere."""

import pytest

from shared.testing import databases


def unreachable():
    """A check that finds nothing listening."""
    raise ConnectionRefusedError("connection refused on 127.0.0.1:1")


@pytest.mark.parametrize("value", ["true", "1", "yes"])
def test_in_ci_an_unreachable_service_fails(monkeypatch, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="PostgreSQL is not reachable"):
        databases.require("PostgreSQL", unreachable)


def test_outside_ci_an_unreachable_service_skips(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="Redis is not reachable"):
        databases.require("Redis", unreachable)


def test_a_reachable_service_passes(monkeypatch):
    monkeypatch.setenv("CI", "true")
    databases.require("Redis", lambda: None)
