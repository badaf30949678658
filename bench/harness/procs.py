"""Child processes of a run: each in its own process group, all stopped when the run ends.

Every child is started through :class:`Processes`, which remembers it; :meth:`Processes.stop_all`
sends SIGTERM to each group, then SIGKILL to those still alive after a grace period. ``main``
calls it in a ``finally`` and on SIGTERM/SIGINT/SIGHUP, so nothing outlives the run.
"""

import contextlib
import ctypes
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
PR_SET_PDEATHSIG = 1


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_for_port(port, proc, timeout=30.0):
    """Wait until ``port`` accepts connections; raise if ``proc`` dies or time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[:3]} exited with {proc.returncode} before listening")
        try:
            with socket.create_connection((HOST, port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listened on {HOST}:{port} within {timeout:.0f} s")


class Processes:
    """The children of one run, stopped together."""

    def __init__(self, log_dir):
        self.log_dir = Path(log_dir)
        self.children = []

    def start(self, name, argv, env):
        """Start ``argv`` in a new process group with its output in ``<log_dir>/<name>.log``."""
        log = open(self.log_dir / f"{name}.log", "ab")  # noqa: SIM115 - closed in stop_all
        proc = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                stdin=subprocess.DEVNULL, start_new_session=True,
                                preexec_fn=_die_with_parent)  # noqa: PLW1509 - no threads yet
        self.children.append((name, proc, log))
        return proc

    def gunicorn(self, name, app, env, workers=2):
        """Serve the WSGI ``app`` (``module:attr``) with gunicorn sync workers; returns the port."""
        port = free_port()
        argv = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-k", "sync",
                "-b", f"{HOST}:{port}", "--graceful-timeout", "3", "--timeout", "60",
                "--no-control-socket", app]
        proc = self.start(name, argv, env)
        wait_for_port(port, proc)
        return port

    def pid(self, name):
        """The process id of the child called ``name``."""
        return next(proc.pid for child, proc, _log in self.children if child == name)

    def groups(self):
        """{child name: its process group id} (each child leads its own group)."""
        return {name: proc.pid for name, proc, _log in self.children}

    def stop(self, proc, grace=5.0):
        """SIGTERM ``proc``'s group, then SIGKILL it after ``grace`` seconds."""
        _signal_group(proc, signal.SIGTERM)
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            _signal_group(proc, signal.SIGKILL)
            proc.wait(timeout=5)
        # the group may hold children that outlived their leader (prefork pool, gunicorn workers)
        _signal_group(proc, signal.SIGKILL)

    def stop_all(self):
        """Stop every child started so far, newest first."""
        while self.children:
            _name, proc, log = self.children.pop()
            try:
                self.stop(proc)
            finally:
                log.close()


def _die_with_parent():
    """In the child: get SIGTERM if the harness dies without cleaning up (Linux prctl)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _signal_group(proc, sig):
    """Send ``sig`` to the process group led by ``proc`` (gone already: nothing to do)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, sig)


def on_signals(handler):
    """Call ``handler`` on SIGTERM, SIGINT and SIGHUP (then exit with 128 + the signal)."""

    def stop(signum, _frame):
        handler()
        sys.exit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, stop)
