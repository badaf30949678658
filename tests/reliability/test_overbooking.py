"""Scenario 1, no overbooking (rule 4 of the house): 10 runs of 200 concurrent registrations.

The registration service runs under real gunicorn (4 worker processes of 50 threads each, with its
``SCRIPT_NAME``) on a PostgreSQL cluster of the test's own (the machine's server allows only 100
clients). Each run is a fresh forum with 10 on-site seats and 200 client threads that post their
registration through the public JSON API at once (a barrier starts them), so up to 200 requests
are in the server together. The API answers every registration alike (202), so where each
registrant stands is read from the database and from the email written for each: exactly the
capacity is confirmed and the rest wait in line, in order, every run.

The control runs the same race against a second gunicorn with the seat lock switched off
(``SEAT_LOCK_ENABLED=False``, honoured only with ``ENV=test``) and must overbook, which shows the
race is real and that this test can catch a broken lock.

The in-process race on SQLite (the embedded default's database) stays below, without its
control: SQLite's write transactions take the database's write lock when they begin
(:mod:`shared.sqlite`), so registrations are serialised even with the seat lock off (the control
confirmed 10 of 10 there); only PostgreSQL can show the race.
"""

import contextlib
import threading
import time

import pytest
import requests
import sqlalchemy as sa

from services.registration import create_app, queries
from services.registration.models import OutboxMessage, Registration, RegistrationStatus, db
from shared.db import dispose_engines
from shared.testing.servers import Gunicorn, PostgresCluster, database_settings, migrate
from tests.registration.conftest import build_event

THREADS = 200
SEATS = 10
RUNS = 10
#: gunicorn's processes and threads: every one of the 200 requests can be in the server at once
GUNICORN_WORKERS = 4
GUNICORN_THREADS = 50
#: the cluster's clients: each gunicorn worker's pool may open 50, the test process a few more
MAX_CONNECTIONS = 2 * GUNICORN_WORKERS * 50 + 50

pytestmark = pytest.mark.slow


def _registration(n, tag="registrant"):
    """The API body of registrant ``n``."""
    return {"name": f"Registrant {n}", "email": f"{tag}{n}@example.fi",
            "organisation": "Hoiva Oy", "municipality": "Kuopio", "attendance_mode": "onsite",
            "privacy_consent": True}


def _create_event(app):
    """A published forum with SEATS on-site seats; returns its id."""
    with app.app_context():
        event = build_event(onsite_capacity=SEATS)
        db.session.add(event)
        db.session.commit()
        return event.id


def stored(app, event_id):
    """(confirmed, waitlisted registrations in line order) of the event, from the database."""
    with app.app_context():
        registrations = db.session.scalars(
            sa.select(Registration).where(Registration.event_id == event_id)
            .order_by(Registration.waitlisted_at, Registration.id)
        ).all()
        confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
        waitlisted = [r for r in registrations if r.status == RegistrationStatus.WAITLISTED]
        positions = [queries.waitlist_position(r) for r in waitlisted]
        return confirmed, waitlisted, positions


def emailed(app, event_id=None):
    """(template, waiting-list place or 0) of every email in the outbox (of one event), sorted."""
    with app.app_context():
        payloads = db.session.scalars(sa.select(OutboxMessage.payload)
                                      .where(OutboxMessage.topic == "notify.send_email")).all()
        return sorted((p["template"], p["context"]["waitlist_position"] or 0) for p in payloads
                      if event_id is None or p["context"]["event_id"] == event_id)


def _expected_emails():
    """The emails a correct run writes: SEATS confirmations and the line's places 1..190."""
    return [("registration_confirmed", 0)] * SEATS + [
        ("registration_waitlisted", place) for place in range(1, THREADS - SEATS + 1)]


# -- the race through gunicorn on PostgreSQL ---------------------------------------------------


@pytest.fixture(scope="module")
def cluster():
    """A PostgreSQL cluster of the module's own with room for every gunicorn thread's client."""
    with PostgresCluster(max_connections=MAX_CONNECTIONS) as server:
        yield server
        dispose_engines()  # the test process's connections, before the cluster goes


@pytest.fixture(scope="module")
def race_settings(cluster, tmp_path_factory):
    """Test settings on the cluster's migrated databases (no broker: the outbox keeps the mail)."""
    folder = tmp_path_factory.mktemp("overbooking")
    settings = {
        "ENV": "test", "SECRET_KEY": "test-secret", "PUBLIC_URL": "http://localhost",
        **database_settings(cluster.create_databases()),
        "BROKER_URL": "memory://", "PUBLISH_IMMEDIATELY": False, "RATELIMIT_ENABLED": False,
        "MAIL_BACKEND": "devmailbox",
    }
    migrate(settings, folder / "instance")
    return settings, folder


@contextlib.contextmanager
def _served(settings, folder):
    """(gunicorn, an app on the same databases for reading back) while the server runs."""
    server = Gunicorn("registration", settings, folder, workers=GUNICORN_WORKERS,
                      threads=GUNICORN_THREADS)
    with server:
        yield server, create_app(dict(settings))


@pytest.fixture(scope="module")
def locked(race_settings):
    """The registration service under gunicorn with the seat lock (as in production)."""
    settings, folder = race_settings
    with _served(settings, folder / "locked") as served:
        yield served


@pytest.fixture(scope="module")
def unlocked(race_settings):
    """The same service with the seat lock switched off (the test-only control)."""
    settings, folder = race_settings
    with _served({**settings, "SEAT_LOCK_ENABLED": False}, folder / "unlocked") as served:
        yield served


def race(base, event_id, tag):
    """POST THREADS registrations from THREADS threads started together.

    Returns ([(status or exception name, seconds)], wall seconds from the barrier's release).
    """
    url = f"{base}/api/v1/events/{event_id}/registrations"
    barrier = threading.Barrier(THREADS + 1)
    answers = [None] * THREADS

    def post(n):
        started = time.monotonic()
        with requests.Session() as session:
            try:
                barrier.wait(timeout=60)
                started = time.monotonic()
                response = session.post(url, json=_registration(n, tag), timeout=60)
                answers[n] = (response.status_code, time.monotonic() - started)
            except Exception as exc:  # noqa: BLE001 - reported by the test, not lost in a thread
                answers[n] = (type(exc).__name__, time.monotonic() - started)

    threads = [threading.Thread(target=post, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    released = time.monotonic()
    for thread in threads:
        thread.join(timeout=120)
    return answers, time.monotonic() - released


def test_ten_runs_of_200_concurrent_registrations_through_gunicorn_never_overbook(locked):
    server, app = locked
    figures = []
    for run in range(1, RUNS + 1):
        event_id = _create_event(app)
        answers, wall = race(server.base, event_id, f"run{run}-")

        codes = [code for code, _ in answers]
        slowest = max(seconds for _, seconds in answers)
        confirmed, waitlisted, positions = stored(app, event_id)
        figures.append((run, codes.count(202), len(confirmed), len(waitlisted), wall, slowest))
        assert codes == [202] * THREADS, (
            f"run {run}: {[a for a in answers if a[0] != 202][:5]}\n{server.output()[-3000:]}")
        assert len(confirmed) == SEATS, f"run {run}: {len(confirmed)} confirmed of {SEATS} seats"
        assert len(waitlisted) == THREADS - SEATS
        assert positions == list(range(1, THREADS - SEATS + 1)), f"run {run}: the line has gaps"
        # the line is in the order the seat lock was taken: by time, and by id alike
        assert [r.id for r in waitlisted] == sorted(r.id for r in waitlisted)
        assert emailed(app, event_id) == _expected_emails(), f"run {run}: the emails disagree"

    print(f"\n{RUNS} runs x {THREADS} concurrent registrations for {SEATS} seats, gunicorn "
          f"{GUNICORN_WORKERS}x{GUNICORN_THREADS} threads on PostgreSQL:")
    for run, accepted, confirmed, waiting, wall, slowest in figures:
        print(f"  run {run:2}: {accepted} x 202, {confirmed}/{SEATS} confirmed, {waiting} waiting, "
              f"all answered in {wall:.2f} s (slowest {slowest:.2f} s)")


def test_control_without_the_seat_lock_overbooks_through_gunicorn(unlocked):
    server, app = unlocked
    event_id = _create_event(app)

    answers, wall = race(server.base, event_id, "control-")

    assert [code for code, _ in answers] == [202] * THREADS, [a for a in answers if a[0] != 202][:5]
    confirmed, _waitlisted, _positions = stored(app, event_id)
    print(f"\ncontrol without the seat lock: {len(confirmed)} confirmed for {SEATS} seats "
          f"({THREADS} concurrent, answered in {wall:.2f} s)")
    assert len(confirmed) > SEATS, "the control did not overbook: the test could not catch it"


# -- the same race in one process, on the embedded default's SQLite ----------------------------


@pytest.fixture
def sqlite_only(backend):
    """The in-process race is SQLite's; PostgreSQL runs through gunicorn above."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL's race runs through gunicorn in this module")


def register_all_at_once(app, event_id):
    """POST THREADS registrations from THREADS threads (test clients) started together."""
    barrier = threading.Barrier(THREADS)
    answers = [None] * THREADS

    def post(n):
        client = app.test_client()
        try:
            barrier.wait(timeout=60)
            response = client.post(f"/api/v1/events/{event_id}/registrations",
                                   json=_registration(n))
            answers[n] = (response.status_code, response.get_json(silent=True))
        except Exception as exc:  # noqa: BLE001 - reported by the test, not lost in a thread
            answers[n] = ("exception", repr(exc))

    threads = [threading.Thread(target=post, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def test_concurrent_registrations_never_overbook_on_sqlite(sqlite_only, make_app):
    app = make_app("registration")
    event_id = _create_event(app)

    answers = register_all_at_once(app, event_id)

    codes = [a[0] for a in answers]
    busy = codes.count(503)
    assert set(codes) <= {202, 503}, [a for a in answers if a[0] not in (202, 503)][:3]
    assert busy == 0, f"{busy} registrations answered 503 (seats busy)"
    assert emailed(app) == _expected_emails()
    confirmed, waitlisted, positions = stored(app, event_id)
    assert len(confirmed) == SEATS
    assert len(waitlisted) == THREADS - SEATS
    assert positions == list(range(1, THREADS - SEATS + 1))
    assert [r.id for r in waitlisted] == sorted(r.id for r in waitlisted)
