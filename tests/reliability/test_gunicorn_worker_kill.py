"""Scenario 6: a gunicorn worker SIGKILLed during a burst of registrations.

The production topology on servers of the test's own: registration under gunicorn with its
``SCRIPT_NAME`` and the suite's gunicorn settings (``foorumi/gunicorn_conf.py``, 2 sync workers as
in docker-compose.yml), a real ``foorumi worker`` for the registration queue and one for the
notify queue, ``foorumi beat``, a PostgreSQL cluster and a Redis (broker on db 0, rate limits on
db 1) started for the test, production settings, and an SMTP sink.

300 registrations arrive from 16 client threads as fast as the server answers them; after a
quarter, a half and three quarters of them have been answered, one of gunicorn's workers is
SIGKILLed, with the requests it was serving still open. gunicorn starts a new worker each time.

What must hold: every registration answered 2xx is stored and its registrant gets exactly one
email, recorded once in notify's ledger; a request cut by a kill gets a connection error or a 5xx,
never a 2xx; a registration stored by a request that was cut after its commit is emailed once too;
nobody gets a second email.
"""

import contextlib
import os
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from services import notify, registration
from services.notify.models import EmailStatus, OutgoingEmail
from services.notify.models import db as notify_db
from services.registration.models import Registration, db
from shared.testing.waiting import wait_until
from tests.registration.conftest import build_event
from tests.reliability.topology import own_topology

pytestmark = pytest.mark.slow

REGISTRATIONS = 300
CLIENT_THREADS = 16
#: answered registrations after which a gunicorn worker is killed
KILL_AFTER = (75, 150, 225)
EMAILS_WITHIN = 60.0
TAG = "gkill"
OK = (200, 201, 202)


@pytest.fixture
def topology(tmp_path):
    """(settings, gunicorn, workers, beat, smtp) of the running topology; all stopped after."""
    with contextlib.ExitStack() as stack:
        running = own_topology(stack, tmp_path)
        yield running.settings, running.gunicorn, running.workers, running.beat, running.smtp


class Burst:
    """Registrations posted through the public JSON API from threads, each answer kept."""

    def __init__(self, base, event_id):
        self.url = f"{base}/api/v1/events/{event_id}/registrations"
        self.pool = ThreadPoolExecutor(max_workers=CLIENT_THREADS)
        self.answers = {}  # n -> (status or exception name, seconds)
        self.lock = threading.Lock()

    def post(self, n):
        """Registrant ``n``'s registration, from its own address."""
        started = time.monotonic()
        body = {"name": f"Registrant {n}", "email": f"{TAG}{n}@example.fi",
                "organisation": "Hoiva Oy", "municipality": "Kuopio",
                "attendance_mode": "onsite", "privacy_consent": True}
        try:
            response = requests.post(self.url, json=body, timeout=60, headers={
                "X-Forwarded-For": f"10.6.{n // 250}.{n % 250 + 1}", "Accept-Language": "en"})
            status = response.status_code
        except requests.RequestException as exc:
            status = type(exc).__name__
        with self.lock:
            self.answers[n] = (status, time.monotonic() - started)

    def answered(self):
        """How many registrations have been answered."""
        with self.lock:
            return len(self.answers)

    def start(self):
        """Submit every registration at once: the threads post them as fast as they answer."""
        for n in range(1, REGISTRATIONS + 1):
            self.pool.submit(self.post, n)


def stored_emails(app):
    """The addresses of the registrations stored for the run."""
    with app.app_context():
        return set(db.session.scalars(sa.select(Registration.email)
                                      .where(Registration.email.like(f"{TAG}%"))))


def ledger(app):
    """{recipient: [status of each of notify's email rows]} of the run."""
    with app.app_context():
        rows = notify_db.session.execute(sa.select(OutgoingEmail.recipient, OutgoingEmail.status)
                                         .where(OutgoingEmail.recipient.like(f"{TAG}%"))).all()
    found = {}
    for recipient, status in rows:
        found.setdefault(recipient, []).append(status)
    return found


def kill_a_busy_worker(gunicorn):
    """SIGKILL one of gunicorn's workers; returns its pid once gunicorn has replaced it."""
    before = gunicorn.worker_pids()
    victim = before[0]
    os.kill(victim, signal.SIGKILL)
    wait_until(lambda: victim not in gunicorn.worker_pids() and len(gunicorn.worker_pids()) >= 2,
               timeout=30, interval=0.05, message="gunicorn to replace the killed worker")
    return victim


def test_a_gunicorn_worker_killed_during_a_burst_loses_nothing_answered(topology):
    test_started = time.monotonic()
    settings, gunicorn, workers, beat, smtp = topology
    app = registration.create_app(dict(settings))
    notify_app = notify.create_app(dict(settings))
    with app.app_context():
        event = build_event(title="Forum while gunicorn loses a worker", onsite_capacity=500)
        db.session.add(event)
        db.session.commit()
        event_id = event.id
    burst = Burst(gunicorn.base, event_id)

    burst_started = time.monotonic()
    burst.start()
    killed = []
    for threshold in KILL_AFTER:
        wait_until(lambda t=threshold: burst.answered() >= t, timeout=120, interval=0.01,
                   message=f"{threshold} registrations answered")
        killed.append(kill_a_busy_worker(gunicorn))
    wait_until(lambda: burst.answered() == REGISTRATIONS, timeout=120,
               message="every registration answered")
    burst.pool.shutdown(wait=True)
    answered_in = time.monotonic() - burst_started
    answers = burst.answers

    ok = {f"{TAG}{n}@example.fi" for n, (status, _) in answers.items() if status in OK}
    cut = {n: status for n, (status, _) in answers.items() if status not in OK}
    stored = stored_emails(app)

    def everyone_emailed():
        counts = smtp.recorder.counts()
        return all(counts.get(email) for email in ok | stored)

    wait_until(everyone_emailed, timeout=EMAILS_WITHIN, interval=0.2,
               message="every stored registration emailed")
    emailed_in = time.monotonic() - burst_started
    counts = {to: n for to, n in smtp.recorder.counts().items() if to.startswith(TAG)}
    rows = ledger(notify_app)
    statuses = {}
    for status, _ in answers.values():
        statuses[str(status)] = statuses.get(str(status), 0) + 1
    cut_but_stored = {f"{TAG}{n}@example.fi" for n in cut} & stored
    print(f"\n{REGISTRATIONS} registrations from {CLIENT_THREADS} threads, {len(killed)} gunicorn "
          f"workers SIGKILLed: answers {statuses}; stored {len(stored)} "
          f"({len(cut_but_stored)} of them by a cut request); emailed {len(counts)}, duplicates "
          f"{sum(n - 1 for n in counts.values())}; all answered in {answered_in:.1f} s, all "
          f"emailed in {emailed_in:.1f} s; slowest answer "
          f"{max(seconds for _, seconds in answers.values()):.2f} s; test wall "
          f"{time.monotonic() - test_started:.0f} s")
    logs = f"--- gunicorn ---\n{gunicorn.output()[-3000:]}"

    # a cut request got a connection error or a 5xx, never anything else
    assert all(isinstance(s, str) or 500 <= s < 600 for s in cut.values()), f"{cut}\n{logs}"
    assert cut, "no request was in flight at a kill: the test proved nothing"
    # every 2xx is stored and emailed exactly once; nothing stored is emailed twice
    assert ok <= stored, sorted(ok - stored)[:5]
    assert set(counts) == stored, sorted(set(counts) ^ stored)[:5]
    assert set(counts.values()) == {1}, {to: n for to, n in counts.items() if n != 1}
    assert rows == {email: [EmailStatus.SENT] for email in stored}, "the ledger matches the sink"
    # the same worker processes carried on
    assert all(w.process.poll() is None for w in workers.values())
    assert beat.process.poll() is None
