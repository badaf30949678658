"""A test's own subprocess: started in a session of its own with its output in a log file,
waited for until it is ready, and stopped for sure (TERM, then KILL of its whole group).

:class:`shared.testing.worker.WorkerProcess` and ``BeatProcess`` and
:class:`shared.testing.servers.Gunicorn` are these, with their own command lines and readiness.
"""

import contextlib
import os
import signal
import subprocess
from pathlib import Path

from shared.testing.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


class ChildProcess:
    """One subprocess of a test; ``name`` says what it is in failure messages."""

    name = "process"
    #: how long a TERM may take before the group is killed
    stop_timeout = 10.0

    def __init__(self, argv, env, log_path):
        self.argv = list(argv)
        self.env = env
        self.log_path = Path(log_path)
        self.process = None

    def launch(self):
        """Start the command (the log appended to); returns self."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command lines
                self.argv, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        return self

    def wait_ready(self, ready, timeout):
        """Wait until ``ready()`` is true; fail with the output if it exits or times out first."""
        try:
            wait_until(lambda: self.process.poll() is not None or ready(), timeout=timeout,
                       interval=0.2, message=f"{self.name} ready")
        except AssertionError as exc:
            self.stop()
            raise AssertionError(f"{exc}\n--- {self.name} output ---\n{self.output()}") from None
        if self.process.poll() is not None:
            raise AssertionError(f"{self.name} exited at start:\n{self.output()}")
        return self

    def output(self):
        """What the process wrote so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self):
        """Ask it to stop (TERM); kill its group at the deadline, and what it left behind."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=self.stop_timeout)
        self.kill()

    def kill(self):
        """Kill the process and its whole group now (SIGKILL)."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
