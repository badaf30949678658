"""Waiting on a condition with a deadline (never a bare sleep as synchronisation)."""

import time


def wait_until(condition, timeout=30.0, interval=0.05, message="condition"):
    """Poll ``condition()`` until it returns something truthy; return it, or fail at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {message}")
        time.sleep(interval)
