"""The production topology on a Redis of the test's own, for the scenarios that break Redis.

:func:`production_topology` starts what docker-compose.yml runs, on 127.0.0.1 only: the
registration service under gunicorn with its ``SCRIPT_NAME`` and production's gunicorn settings
(2 sync workers), a ``foorumi worker --queues X`` process per queue (prefork, as the command's
default), ``foorumi beat``, fresh databases on the machine's PostgreSQL migrated with
``foorumi migrate``, an SMTP sink, and one ``redis-server`` that is both the broker (db 0) and
the rate limits' storage (db 1), with the limits on. The settings are production's
(``ENV=production``, a strong secret, SMTP), with ``TRUSTED_PROXIES=1`` as behind nginx, so
each simulated registrant has its own address.

:class:`Registrant` posts registrations at a steady pace from threads, timing each answer.
"""

import contextlib
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import redis
import requests
import sqlalchemy as sa

from services.registration import create_app
from services.registration.models import OutboxMessage, db
from shared.config import SERVICES
from shared.db import dispose_engines
from shared.testing.databases import create_pg_databases, drop_pg_databases
from shared.testing.servers import Gunicorn, RedisServer, database_settings, migrate
from shared.testing.smtp import SMTPServer
from shared.testing.waiting import wait_until
from shared.testing.worker import BeatProcess, WorkerProcess
from tests.registration.conftest import build_event

#: on-site seats of the scenarios' forum: every registrant gets one
SEATS = 500
#: docker-compose.yml's gunicorn settings (its worker timeout above the app's deadlines)
GUNICORN_CONFIG = ("--config", "python:foorumi.gunicorn_conf")


class Topology:
    """The running processes and servers of one scenario, and what it reads back."""

    def __init__(self, folder, settings, redis_server, smtp, gunicorn, workers, beat):
        self.folder = folder
        self.settings = settings
        self.redis = redis_server
        self.smtp = smtp
        self.gunicorn = gunicorn
        self.workers = workers  # {queue: WorkerProcess}
        self.beat = beat
        self.app = create_app(dict(settings))

    def create_event(self):
        """A published forum with SEATS on-site seats, committed; returns its id."""
        with self.app.app_context():
            event = build_event(title="Forum while Redis fails", onsite_capacity=SEATS)
            db.session.add(event)
            db.session.commit()
            return event.id

    def pids(self):
        """{process name: pid} of every worker and beat, and whether each is still running."""
        processes = {f"worker-{q}": w.process for q, w in self.workers.items()}
        processes["beat"] = self.beat.process
        return {name: (p.pid, p.poll() is None) for name, p in processes.items()}

    def unsent(self):
        """How many registration outbox rows are not handed to the broker yet."""
        with self.app.app_context():
            count = db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                                      .where(OutboxMessage.sent_at.is_(None)))
            db.session.rollback()
            return count

    def queues_idle(self):
        """Whether the broker holds no waiting or unacknowledged message of any service."""
        client = redis.Redis(port=self.redis.port, socket_timeout=1, socket_connect_timeout=1)
        try:
            waiting = sum(client.llen(q) for q in SERVICES)
            return waiting == 0 and client.hlen("unacked") == 0
        except redis.RedisError:
            return False
        finally:
            client.close()

    def output(self):
        """The logs of every process, for a failure's message."""
        parts = [f"--- gunicorn ---\n{self.gunicorn.output()[-4000:]}"]
        parts += [f"--- worker {q} ---\n{w.output()[-4000:]}" for q, w in self.workers.items()]
        parts.append(f"--- beat ---\n{self.beat.output()[-3000:]}")
        return "\n".join(parts)


def production_settings(urls, redis_server, smtp_port):
    """The docker-compose settings on the test's databases, Redis and SMTP sink."""
    return {
        "ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "PUBLIC_URL": "http://127.0.0.1:8080",
        "TRUSTED_PROXIES": 1,
        **database_settings(urls),
        "BROKER_URL": redis_server.url(0),
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": redis_server.url(1),
        "MAIL_BACKEND": "smtp",
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_port,
        "DEV_MAILBOX": False,
    }


@contextlib.contextmanager
def production_topology(folder):
    """Start the whole topology in ``folder``; yields a :class:`Topology`; stops it all after."""
    urls = create_pg_databases()
    stack = contextlib.ExitStack()
    try:
        redis_server = stack.enter_context(RedisServer(folder / "redis"))
        smtp = stack.enter_context(SMTPServer())
        settings = production_settings(urls, redis_server, smtp.port)
        migrate(settings, folder / "instance")
        gunicorn = stack.enter_context(Gunicorn("registration", settings, folder, workers=2,
                                                extra=GUNICORN_CONFIG))
        workers = {}
        for queue in SERVICES:
            worker = WorkerProcess(settings, folder, pool="prefork", concurrency=2, queues=queue)
            stack.callback(worker.stop)
            workers[queue] = worker.start()
        beat = BeatProcess(settings, folder).start()
        stack.callback(beat.stop)
        yield Topology(folder, settings, redis_server, smtp, gunicorn, workers, beat)
    finally:
        stack.close()
        dispose_engines()  # the test's own connections, before the databases go
        drop_pg_databases(urls)


def registration_body(n, tag):
    """The JSON body of registrant ``n`` of a run tagged ``tag``."""
    return {"name": f"Registrant {n}", "email": f"{tag}{n}@example.fi",
            "organisation": "Hoiva Oy", "municipality": "Kuopio", "attendance_mode": "onsite",
            "privacy_consent": True}


class Registrant:
    """Posts registrations for one event through the public JSON API, timing every answer."""

    def __init__(self, base, event_id, threads=8):
        self.url = f"{base}/api/v1/events/{event_id}/registrations"
        self.pool = ThreadPoolExecutor(max_workers=threads)
        self.answers = []  # (n, status or exception name, seconds)
        self.lock = threading.Lock()

    def post(self, n, tag):
        """One registration, from its own client address; records (n, status, seconds)."""
        started = time.monotonic()
        try:
            response = requests.post(self.url, json=registration_body(n, tag), timeout=30,
                                     headers={"X-Forwarded-For": f"10.{n // 250}.{n % 250}.1",
                                              "Accept-Language": "en"})
            status = response.status_code
        except requests.RequestException as exc:
            status = type(exc).__name__
        with self.lock:
            self.answers.append((n, status, time.monotonic() - started))

    def paced(self, numbers, every, tag):
        """Start a registration for each of ``numbers``, one per ``every`` seconds."""
        start = time.monotonic()
        futures = []
        for i, n in enumerate(numbers):
            delay = start + i * every - time.monotonic()
            if delay > 0:
                time.sleep(delay)  # the pace of the arrivals, not a synchronisation
            futures.append(self.pool.submit(self.post, n, tag))
        return futures

    def wait(self, futures, timeout=60):
        """Wait until the posts of ``futures`` have answered."""
        wait_until(lambda: all(f.done() for f in futures), timeout=timeout,
                   message="every registration answered")

    def close(self):
        """Stop the threads."""
        self.pool.shutdown(wait=True, cancel_futures=True)


def emails_by_recipient(smtp, tag):
    """{recipient: number of messages} of the run tagged ``tag``."""
    return {to: n for to, n in smtp.recorder.counts().items() if to.startswith(tag)}
