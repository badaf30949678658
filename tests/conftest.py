"""Test configuration: the shared fixtures, and warnings from third parties we do not control."""

pytest_plugins = ["shared.testing.fixtures"]
