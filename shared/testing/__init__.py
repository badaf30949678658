"""Fixtures and helpers every service's tests use (a pytest plugin: ``shared.testing.fixtures``)."""
