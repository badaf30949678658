"""Run a module under a test's simulated clock: ``python -m shared.testing.clocked FILE MODULE ARGS``.

A simulated year drives a real worker and beat in subprocesses, where the test's own
time-machine does not reach. This wrapper starts ``time_machine.travel`` to the time written in
``FILE`` (ISO 8601, UTC) with the clock ticking, follows every new time the test writes there
(moving the clock within 50 ms), and then runs ``MODULE`` as ``__main__`` with ``ARGS``. Only
the wall clock moves; monotonic time and sleeping stay real, so timeouts and polling still work.
The test side is :class:`SimulatedClock`.
"""

import datetime as dt
import runpy
import sys
import threading
from pathlib import Path

import time_machine

POLL_SECONDS = 0.05


def read(path):
    """The time written in ``path``."""
    return dt.datetime.fromisoformat(Path(path).read_text().strip())


class SimulatedClock:
    """The test's handle on the simulated time shared with its subprocesses (and itself)."""

    def __init__(self, path, start):
        self.path = Path(path)
        self.traveller = time_machine.travel(start, tick=True)
        self.now = start
        self._write(start)

    def _write(self, when):
        """Tell the subprocesses the new time (written whole, then renamed into place)."""
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(when.isoformat())
        tmp.replace(self.path)

    def __enter__(self):
        self.coordinates = self.traveller.start()
        return self

    def __exit__(self, *exc):
        self.traveller.stop()

    def move_to(self, when):
        """Set the simulated time here and in every clocked subprocess."""
        self.now = when
        self.coordinates.move_to(when)
        self._write(when)

    def argv(self, module, *args):
        """The command line that runs ``module`` under this clock."""
        return [sys.executable, "-m", "shared.testing.clocked", str(self.path), module, *args]


def _follow(path, coordinates, seen):
    """Move the clock whenever ``path`` holds a new time (runs in a daemon thread)."""
    stop = threading.Event()
    while not stop.wait(POLL_SECONDS):
        try:
            when = read(path)
        except (OSError, ValueError):
            continue
        if when != seen:
            coordinates.move_to(when)
            seen = when


def main():
    """Travel to the file's time, follow it, and run the module."""
    path, module, *args = sys.argv[1:]
    start = read(path)
    coordinates = time_machine.travel(start, tick=True).start()
    threading.Thread(target=_follow, args=(path, coordinates, start), daemon=True).start()
    sys.argv = [module, *args]
    runpy.run_module(module, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
