"""A real Celery worker in a subprocess, for the tests that cross a process boundary.

It runs ``python -m foorumi.cli worker`` with ``FOORUMI_*`` environment variables made from the
test's settings (databases, broker, SMTP port), answers ``ping`` once it consumes, and is stopped
(terminated, then killed at a deadline) when the test ends. Its output is kept in a log file and
shown when it fails to start.
"""

import os
import sys

from celery import Celery

from shared import config
from shared.testing.process import ROOT, ChildProcess

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


class WorkerProcess(ChildProcess):
    """One ``foorumi worker`` subprocess on the broker of ``settings``."""

    name = "worker"
    stop_timeout = STOP_TIMEOUT

    def __init__(self, settings, folder, pool="threads", concurrency=2, queues=None, clock=None):
        self.broker_url = settings["BROKER_URL"]
        args = ("worker", "--pool", pool, "--concurrency", str(concurrency),
                "--queues", queues or ",".join(config.SERVICES))
        super().__init__(_command(clock, *args), worker_environment(settings, folder / "instance"),
                         folder / f"worker-{pool}-{id(self)}.log")

    def start(self, timeout=START_TIMEOUT):
        """Start the worker and wait until it answers a ping; fail with its output if not."""
        return self.launch().wait_ready(lambda: bool(self.ping()), timeout)

    def ping(self, timeout=0.5):
        """The workers' ping replies on our broker (an empty list if none answered)."""
        app = Celery("foorumi-test-ping", broker=self.broker_url, set_as_current=False)
        try:
            return app.control.ping(timeout=timeout)
        except Exception:  # noqa: BLE001 - broker not reachable yet counts as "not ready"
            return []
        finally:
            app.close()


class BeatProcess(ChildProcess):
    """``foorumi beat`` in a subprocess on the test's settings, killed at the end."""

    name = "beat"

    def __init__(self, settings, folder, clock=None):
        super().__init__(_command(clock, "beat", "--loglevel", "WARNING"),
                         worker_environment(settings, folder / "instance"),
                         folder / f"beat-{id(self)}.log")

    def start(self):
        """Start beat (it answers nothing: the tests wait on what its ticks cause)."""
        return self.launch()

    def stop(self):
        """Kill beat and whatever it started."""
        self.kill()
