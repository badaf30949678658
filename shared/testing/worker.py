"""A real Celery worker in a subprocess, for the tests that cross a process boundary.

It runs ``python -m foorumi.cli worker`` with ``FOORUMI_*`` environment variables made from the
test's settings (databases, broker, SMTP port), answers ``ping`` once it consumes, and is stopped
(terminated, then killed at a deadline) when the test ends. Its output is kept in a log file and
shown when it fails to start.
"""

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

from celery import Celery

from shared import config
from shared.testing.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


def worker_environment(settings, instance_dir):
    """The process environment that gives a worker the same settings as the test's apps."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOORUMI_")}
    for name, value in settings.items():
        if name in config.DEFAULTS:
            env["FOORUMI_" + name] = str(int(value)) if isinstance(value, bool) else str(value)
    env["FOORUMI_INSTANCE_DIR"] = str(instance_dir)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _command(clock, *args):
    """``foorumi ARGS`` as a command line; under ``clock`` (a SimulatedClock) if given."""
    if clock is not None:
        return clock.argv("foorumi.cli", *args)
    return [sys.executable, "-m", "foorumi.cli", *args]


class WorkerProcess:
    """One ``foorumi worker`` subprocess on the broker of ``settings``."""

    def __init__(self, settings, folder, pool="threads", concurrency=2, queues=None, clock=None):
        self.broker_url = settings["BROKER_URL"]
        self.env = worker_environment(settings, folder / "instance")
        self.log_path = folder / f"worker-{pool}-{id(self)}.log"
        args = ("worker", "--pool", pool, "--concurrency", str(concurrency),
                "--queues", queues or ",".join(config.SERVICES))
        self.argv = _command(clock, *args)
        self.process = None

    def start(self, timeout=START_TIMEOUT):
        """Start the worker and wait until it answers a ping; fail with its output if not."""
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                self.argv, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        try:
            wait_until(self._ready_or_dead, timeout=timeout, interval=0.2, message="worker ping")
        except AssertionError as exc:
            self.stop()
            raise AssertionError(f"{exc}\n--- worker output ---\n{self.output()}") from None
        if self.process.poll() is not None:
            raise AssertionError(f"worker exited at start:\n{self.output()}")
        return self

    def _ready_or_dead(self):
        """True once the worker answers a ping, or once it has exited."""
        return self.process.poll() is not None or bool(self.ping())

    def ping(self, timeout=0.5):
        """The workers' ping replies on our broker (an empty list if none answered)."""
        app = Celery("foorumi-test-ping", broker=self.broker_url, set_as_current=False)
        try:
            return app.control.ping(timeout=timeout)
        except Exception:  # noqa: BLE001 - broker not reachable yet counts as "not ready"
            return []
        finally:
            app.close()

    def output(self):
        """What the worker wrote so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self):
        """Ask the worker (and its pool's children) to stop; kill them at the deadline."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self._kill_group()
            self.process.wait(timeout=STOP_TIMEOUT)
        self._kill_group()  # a pool child left behind by its parent

    def _kill_group(self):
        """Kill what is left of the session the worker was started in."""
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.process.pid, signal.SIGKILL)


class BeatProcess:
    """``foorumi beat`` in a subprocess on the test's settings, killed at the end."""

    def __init__(self, settings, folder, clock=None):
        self.env = worker_environment(settings, folder / "instance")
        self.log_path = folder / f"beat-{id(self)}.log"
        self.argv = _command(clock, "beat", "--loglevel", "WARNING")
        self.process = None

    def start(self):
        """Start beat (it answers nothing: the tests wait on what its ticks cause)."""
        with open(self.log_path, "wb") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                self.argv, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True)
        return self

    def output(self):
        """What beat wrote so far."""
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self):
        """Kill beat and whatever it started."""
        if self.process is not None and self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
