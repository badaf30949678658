"""Start what a run measures: the suite's services, workers and beat, the floor, the SMTP sink.

Everything listens on 127.0.0.1 and talks to the run's own PostgreSQL databases and to Redis
database ``BENCH_REDIS_DB`` (7 by default: no test uses it), whose Celery queues are emptied
before and after.
"""

import os
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import redis

from bench.harness import procs, smtp_sink
from bench.harness.databases import FLOOR
from shared.config import SERVICES

#: processes of the notify worker: one per newsletter lane (NEWSLETTER_CONNECTIONS's default)
NOTIFY_CONCURRENCY = 4
REDIS_URL = f"redis://127.0.0.1:6379/{os.environ.get('BENCH_REDIS_DB', '7')}"


@dataclass
class Suite:
    """Ports and files of the started processes."""

    registration: int
    feedback: int
    floor: int
    smtp: int
    count_file: Path
    probe_file: Path

    def url(self, name, path):
        """``http://127.0.0.1:<port of name><path>``."""
        return f"http://{procs.HOST}:{getattr(self, name)}{path}"


def settings(dbs, smtp_port, work_dir):
    """The suite's FOORUMI_* settings for the run (rate limits off, mail to the sink)."""
    return {
        "ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48), "PUBLIC_URL": "http://127.0.0.1",
        "INSTANCE_DIR": str(work_dir / "instance"), "BROKER_URL": REDIS_URL,
        "MAIL_BACKEND": "smtp", "SMTP_HOST": procs.HOST, "SMTP_PORT": str(smtp_port),
        "DEV_MAILBOX": "0", "RATELIMIT_ENABLED": "0",
        **{k.removeprefix("FOORUMI_"): v for k, v in dbs.environ().items()},
    }


def environ(foorumi_settings, work_dir, dbs):
    """The child processes' environment."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOORUMI_")}
    env.update({f"FOORUMI_{k}": str(v) for k, v in foorumi_settings.items()})
    env.update(PYTHONPATH=str(procs.ROOT), FLOOR_DATABASE_URL=dbs.url(FLOOR),
               BENCH_PROBE_FILE=str(work_dir / "probe.txt"))
    return env


def empty_queues():
    """Delete the Celery queues of the bench Redis database (left from an earlier, killed run)."""
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    client.delete(*SERVICES, "unacked", "unacked_index", "unacked_mutex")
    client.close()


def wait_for_workers(count, timeout=60.0):
    """Wait until ``count`` Celery workers answer a ping, so no figure runs beside their start."""
    from shared.celery import celery_app

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if len(celery_app.control.ping(timeout=1.0) or ()) >= count:
            return
    raise RuntimeError(f"{count} Celery workers did not answer within {timeout:.0f} s")


def start(processes, dbs, work_dir, foorumi_settings):
    """Start the SMTP sink, the three web apps, the workers and beat; returns the Suite."""
    env = environ(foorumi_settings, work_dir, dbs)
    count_file = work_dir / "smtp-count.txt"
    smtp = int(foorumi_settings["SMTP_PORT"])
    sink = processes.start("smtp-sink", [sys.executable, "-m", "bench.harness.smtp_sink", "--port",
                                         str(smtp), "--count-file", str(count_file)], env)
    procs.wait_for_port(smtp, sink)
    empty_queues()
    ports = {name: processes.gunicorn(name, app, env) for name, app in (
        ("registration", "services.registration.wsgi:app"),
        ("feedback", "services.feedback.wsgi:app"),
        ("floor", "bench.floor_app:app"))}
    cli = [sys.executable, "-m", "foorumi.cli"]
    # as many worker processes as a campaign has lanes (NEWSLETTER_CONNECTIONS), so all 4 send
    processes.start("worker-notify", [sys.executable, "-m", "bench.harness.probe_worker",
                                      "notify", str(NOTIFY_CONCURRENCY)], env)
    processes.start("worker-others", [*cli, "worker", "--queues", "registration,feedback,memo",
                                      "--concurrency", "1", "--loglevel", "WARNING"], env)
    processes.start("beat", [*cli, "beat", "--loglevel", "WARNING"], env)
    wait_for_workers(2)
    return Suite(smtp=smtp, count_file=count_file, probe_file=work_dir / "probe.txt", **ports)


__all__ = ["Suite", "settings", "start", "smtp_sink"]
