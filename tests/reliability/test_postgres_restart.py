"""Scenario 4: PostgreSQL restarted with ``-m immediate`` during 100 registrations, then stopped.

The production topology on a PostgreSQL cluster of the test's own (all five component databases,
migrated by ``foorumi migrate``): registration under gunicorn with its ``SCRIPT_NAME`` and the
suite's gunicorn settings (``foorumi/gunicorn_conf.py``), a real ``foorumi worker`` for the
registration queue and one for the notify queue, ``foorumi beat``, a Redis of the test's own as
broker and rate-limit storage, and an SMTP sink. The cluster is really restarted, with no
checkpoint: every connection is cut and the server refuses connections while it recovers.

What must hold: a registration that fails is answered 503 JSON with ``Retry-After`` (never a 500
or a bare server page); every registration answered 2xx is stored and its registrant gets exactly
one email; no stored registration is emailed twice; and the same worker processes carry on after
the restart, retrying the tasks that hit it.

The restart itself leaves PostgreSQL away for well under a second, so a second phase keeps the
cluster stopped (``-m immediate``) for OUTAGE_SECONDS: registrations and the event page answer
503 meanwhile (the page in Finnish, the user's default), an email task the notify worker takes
during the outage is retried and sends its email once the database is back, and beat's outbox
relay, failing on every tick meanwhile, carries on.
"""

import contextlib
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
import sqlalchemy as sa

from services.registration import create_app
from services.registration.models import OutboxMessage, Registration, db
from shared.celery import celery_app
from shared.contracts import notify
from shared.db import dispose_engines
from shared.testing.waiting import wait_until
from tests.registration.conftest import build_event
from tests.reliability.topology import own_topology

pytestmark = pytest.mark.slow

REGISTRATIONS = 100
PACE_SECONDS = 0.05  # the 100 arrive over 5 s
RESTART_AFTER = 25  # answers before the restart
OUTAGE_SECONDS = 6  # the second phase's outage: three of beat's relay ticks
DURING_OUTAGE = range(101, 111)  # registrations posted while the cluster is stopped
AFTER_OUTAGE = range(111, 121)  # ... and once it is back
EMAILS_WITHIN = 90.0  # a task that hit the outage retries after 5 s, then 10 s, ...
TAG = "pgrestart"


@pytest.fixture
def topology(tmp_path):
    """(settings, gunicorn, workers, beat, smtp, cluster) of the running topology."""
    with contextlib.ExitStack() as stack:
        running = own_topology(stack, tmp_path)
        yield (running.settings, running.gunicorn, running.workers, running.beat, running.smtp,
               running.cluster)


class Registrants:
    """Registrations posted through the public JSON API from threads, each answer kept."""

    def __init__(self, base, event_id):
        self.url = f"{base}/api/v1/events/{event_id}/registrations"
        self.pool = ThreadPoolExecutor(max_workers=8)
        self.answers = {}  # n -> (status or exception name, Retry-After, JSON body, start, seconds)
        self.lock = threading.Lock()

    def post(self, n):
        """Registrant ``n``'s registration, from its own address; returns its answer."""
        started = time.monotonic()
        body = {"name": f"Registrant {n}", "email": f"{TAG}{n}@example.fi",
                "organisation": "Hoiva Oy", "municipality": "Kuopio",
                "attendance_mode": "onsite", "privacy_consent": True}
        try:
            response = requests.post(self.url, json=body, timeout=60, headers={
                "X-Forwarded-For": f"10.1.{n // 250}.{n % 250 + 1}", "Accept-Language": "en"})
            answer = (response.status_code, response.headers.get("Retry-After"),
                      response.json() if "json" in response.headers.get("Content-Type", "")
                      else response.text[:200])
        except requests.RequestException as exc:
            answer = (type(exc).__name__, None, None)
        with self.lock:
            self.answers[n] = (*answer, started, time.monotonic() - started)
            return self.answers[n]

    def answered(self):
        """How many registrations have been answered."""
        with self.lock:
            return len(self.answers)

    def paced(self, count, every):
        """Post registrations 1..count, one per ``every`` seconds (this is the arrival rate)."""
        start = time.monotonic()
        for n in range(1, count + 1):
            delay = start + (n - 1) * every - time.monotonic()
            if delay > 0:
                time.sleep(delay)  # the pace of the arrivals, not a synchronisation
            self.pool.submit(self.post, n)


def stored_emails(app):
    """The addresses of the registrations stored for the run."""
    with app.app_context():
        emails = set(db.session.scalars(sa.select(Registration.email)
                                        .where(Registration.email.like(f"{TAG}%"))))
        db.session.rollback()
        return emails


def an_email_payload(app, to):
    """A new ``notify.send_email`` payload to ``to``: a stored confirmation's, readdressed."""
    with app.app_context():
        payload = db.session.scalars(sa.select(OutboxMessage.payload)
                                     .where(OutboxMessage.topic == notify.SEND_EMAIL)).first()
        db.session.rollback()
    return {**payload, "message_id": str(uuid.uuid4()), "to": to, "to_name": "Direct"}


def is_refusal(answer):
    """Whether ``answer`` is a 503 JSON error with Retry-After (what a failure must be)."""
    status, retry_after, body = answer[:3]
    return status == 503 and bool(retry_after) and isinstance(body, dict) and body["code"] == 503


def status_counts(answers):
    """{status: how many} of ``answers``."""
    counts = {}
    for answer in answers:
        counts[str(answer[0])] = counts.get(str(answer[0]), 0) + 1
    return counts


def test_postgres_restart_during_registrations(topology):
    test_started = time.monotonic()
    settings, gunicorn, workers, beat, smtp, cluster = topology
    app = create_app(dict(settings))  # also points the test's Celery client at the broker
    with app.app_context():
        event = build_event(title="Forum while PostgreSQL restarts", onsite_capacity=500)
        db.session.add(event)
        db.session.commit()
        event_id = event.id
    dispose_engines()  # nothing of the test's own is pooled across the restart
    pids = {queue: worker.process.pid for queue, worker in workers.items()}
    registrants = Registrants(gunicorn.base, event_id)

    def logs():
        return "\n".join([f"--- gunicorn ---\n{gunicorn.output()[-3000:]}",
                          *(f"--- worker {q} ---\n{w.output()[-3000:]}" for q, w in workers.items()),
                          f"--- beat ---\n{beat.output()[-2000:]}"])

    # -- phase 1: pg_ctlcluster restart -m immediate while 100 registrations arrive
    arrivals = threading.Thread(target=registrants.paced, args=(REGISTRATIONS, PACE_SECONDS))
    arrivals.start()
    wait_until(lambda: registrants.answered() >= RESTART_AFTER, timeout=60,
               message="registrations before the restart")
    restarted_at = time.monotonic()
    cluster.restart(mode="immediate")
    back_at = time.monotonic()
    arrivals.join(timeout=60)
    wait_until(lambda: registrants.answered() == REGISTRATIONS, timeout=120,
               message="every registration answered")
    answers = dict(registrants.answers)
    ok = {f"{TAG}{n}@example.fi" for n, a in answers.items() if a[0] in (200, 201, 202)}
    failed = {n: a[:3] for n, a in answers.items() if a[0] not in (200, 201, 202)}
    stored = stored_emails(app)

    def emailed(addresses):
        counts = smtp.recorder.counts()
        return all(counts.get(address) for address in addresses)

    wait_until(lambda: emailed(ok | stored), timeout=EMAILS_WITHIN, interval=0.2,
               message=f"every stored registration emailed\n{logs()}")
    emails_done = time.monotonic() - back_at
    counts = {to: n for to, n in smtp.recorder.counts().items() if to.startswith(TAG)}
    # what the registrants saw: from the first refusal to the first 2xx asked for after it
    first_refusal = min((a[3] for a in answers.values() if a[0] == 503), default=None)
    recovered = None if first_refusal is None else min(
        (a[3] + a[4] - first_refusal for a in answers.values()
         if a[0] in (200, 201, 202) and a[3] > first_refusal), default=None)
    print(f"\nFIGURES restart: registrations={REGISTRATIONS} statuses={status_counts(answers.values())} "
          f"restart_took={back_at - restarted_at:.1f}s first_refusal_to_next_2xx="
          f"{'-' if recovered is None else f'{recovered:.2f}s'} "
          f"stored={len(stored)} emailed={len(counts)} duplicates={sum(n - 1 for n in counts.values())} "
          f"emails_done_after_back={emails_done:.1f}s "
          f"slowest={max(a[4] for a in answers.values()):.2f}s")

    bad = {n: a for n, a in failed.items() if not is_refusal(a)}
    assert not bad, f"{len(bad)} failures were not a 503 with Retry-After: {list(bad.items())[:5]}"
    assert failed, "no registration met the restart: the test proved nothing"
    assert ok <= stored, sorted(ok - stored)[:5]
    assert set(counts.values()) == {1}, {to: n for to, n in counts.items() if n != 1}
    assert set(counts) == stored

    # -- phase 2: stopped for OUTAGE_SECONDS; an email task meets the outage and is retried
    direct = f"{TAG}-direct@example.fi"
    payload = an_email_payload(app, direct)
    cluster.stop(mode="immediate")
    down_at = time.monotonic()
    task_id = celery_app.send_task(notify.SEND_EMAIL, args=[payload]).id
    during = [registrants.post(n) for n in DURING_OUTAGE]
    page = requests.get(gunicorn.base + "/", timeout=60)
    retried = re.compile(re.escape(f"notify.send_email[{task_id}] retry"))
    wait_until(lambda: retried.search(workers["notify"].output()), timeout=OUTAGE_SECONDS + 10,
               message=f"the email task retried in the outage\n{logs()}")
    time.sleep(max(0.0, down_at + OUTAGE_SECONDS - time.monotonic()))  # the outage's length
    cluster.start()
    up_at = time.monotonic()
    after = [registrants.post(n) for n in AFTER_OUTAGE]
    new = {f"{TAG}{n}@example.fi" for n in AFTER_OUTAGE} | {direct}
    wait_until(lambda: emailed(new), timeout=EMAILS_WITHIN, interval=0.2,
               message=f"the registrations after the outage and the retried task emailed\n{logs()}")
    emails_back = time.monotonic() - up_at
    counts = {to: n for to, n in smtp.recorder.counts().items() if to.startswith(TAG)}
    retries = workers["notify"].output().count("retry: Retry in")
    relay_failures = len(re.findall(r"relay_outbox\[[^]]+\] raised unexpected: OperationalError",
                                    workers["registration"].output()))
    print(f"FIGURES outage: down={up_at - down_at:.1f}s during={status_counts(during)} "
          f"page={page.status_code} after={status_counts(after)} "
          f"emails_done_after_back={emails_back:.1f}s duplicates={sum(n - 1 for n in counts.values())} "
          f"email_task_retries={retries} relay_ticks_failed={relay_failures} "
          f"wall={time.monotonic() - test_started:.1f}s")

    assert all(is_refusal(a) for a in during), during
    assert page.status_code == 503 and page.headers.get("Retry-After"), page.status_code
    assert page.headers["Content-Type"].startswith("text/html")
    assert 'lang="fi"' in page.text and "Palvelu on tilapäisesti poissa käytöstä" in page.text
    assert "Traceback" not in page.text
    assert [a[0] for a in after] == [202] * len(AFTER_OUTAGE), after
    assert set(counts.values()) == {1}, {to: n for to, n in counts.items() if n != 1}
    # the same worker processes carried on (nobody restarted them)
    assert {q: w.process.pid for q, w in workers.items() if w.process.poll() is None} == pids, logs()
