"""Scenario 7: the embedded default (``foorumi serve``) under 200 concurrent registrations.

The server runs as ``make run`` starts it: a real subprocess on a free port, migrated and seeded
with the demo data in its own instance folder, SQLite files, the kombu SQLAlchemy broker, its own
worker and beat, and the dev mailbox (notify's outgoing emails). 50 clients post 200
registrations for the demo's upcoming forum through the public JSON API while one more reads the
forum's page of data. Every answer must be 202 and none slower than 5 s; every registration is
stored once, the on-site seats are never overbooked, and each registrant gets exactly one email
saying where they stand.

Rate limits are off (``FOORUMI_RATELIMIT_ENABLED=0``): the embedded default allows 30
registrations a minute from one address, so 170 of the 200 would be answered 429.
"""

import concurrent.futures
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from shared.testing.smtp import free_port
from shared.testing.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
REGISTRATIONS = 200
IN_FLIGHT = 50
SLOWEST_ANSWER = 5.0  # seconds
EMAIL_DEADLINE = 150.0  # seconds from the last answer until every registrant has their email
TEMPLATES = {"confirmed": "registration_confirmed", "waitlisted": "registration_waitlisted"}

pytestmark = pytest.mark.slow


def _foorumi(env, *args):
    """Run a ``foorumi`` subcommand to its end, as ``make run`` does before serving."""
    subprocess.run([sys.executable, "-m", "foorumi.cli", *args], env=env, cwd=ROOT, check=True,
                   capture_output=True, timeout=120)


def _answers_root(base):
    """Whether the server answers its landing page."""
    try:
        return requests.get(base + "/", timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture
def served(tmp_path):
    """(base URL, instance folder) of a ``foorumi serve`` started like ``make run``."""
    port = free_port()
    instance = tmp_path / "instance"
    env = {key: value for key, value in os.environ.items() if not key.startswith("FOORUMI_")}
    env.update(FOORUMI_INSTANCE_DIR=str(instance), FOORUMI_PUBLIC_URL=f"http://127.0.0.1:{port}",
               FOORUMI_RATELIMIT_ENABLED="0", FOORUMI_OUTBOX_RELAY_INTERVAL="1")
    _foorumi(env, "migrate")
    _foorumi(env, "demo")
    log_path = tmp_path / "serve.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(  # noqa: S603 - our own command line
            [sys.executable, "-m", "foorumi.cli", "serve", "--port", str(port)], env=env,
            cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: server.poll() is not None or _answers_root(base), timeout=60,
                   interval=0.2, message="foorumi serve to answer")
        assert server.poll() is None, log_path.read_text(errors="replace")
        yield base, instance
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)


def _open_forum(base):
    """The demo's forum that takes registrations, with its questions."""
    api = base + "/registration/api/v1"
    events = requests.get(api + "/events", timeout=10).json()
    event = next(e for e in events if e["kind"] == "forum" and e["registration_open"])
    return requests.get(f"{api}/events/{event['id']}", timeout=10).json()


def _answer(question):
    """A valid answer to one of the form's custom questions."""
    options = question["options"]
    return {"single_choice": options[0] if options else "", "multiple_choice": options[:1],
            "checkbox": True}.get(question["kind"], "Hoiva")


def _body(forum, n):
    """The JSON body of registrant ``n``: on-site, every required question answered."""
    answers = {str(q["id"]): _answer(q) for q in forum["questions"] if q["required"]}
    return {"name": f"Registrant {n}", "email": f"load{n}@example.fi", "organisation": "Hoiva Oy",
            "municipality": "Kuopio", "attendance_mode": "onsite", "privacy_consent": True,
            "answers": answers}


def _timed(call):
    """(status code or the exception's name, seconds) of one request."""
    started = time.monotonic()
    try:
        status = call().status_code
    except requests.RequestException as exc:
        status = type(exc).__name__
    return status, time.monotonic() - started


def _register_all(base, forum):
    """POST the registrations, IN_FLIGHT at a time, reading the forum meanwhile.

    Returns ([(status, seconds)] of the posts, [(status, seconds)] of the reads).
    """
    url = f"{base}/registration/api/v1/events/{forum['id']}/registrations"
    done = threading.Event()
    reads = []

    def read():
        while not done.is_set():
            reads.append(_timed(lambda: requests.get(
                f"{base}/registration/api/v1/events/{forum['id']}", timeout=30)))

    reader = threading.Thread(target=read)
    reader.start()
    with concurrent.futures.ThreadPoolExecutor(IN_FLIGHT) as clients:
        posts = list(clients.map(
            lambda n: _timed(lambda: requests.post(url, json=_body(forum, n), timeout=30)),
            range(REGISTRATIONS)))
    done.set()
    reader.join(timeout=60)
    return posts, reads


def _query(path, sql, *params):
    """Rows of ``sql`` on a SQLite file of the server, read-only beside its writers."""
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=15) as db:
        return db.execute(sql, params).fetchall()


def _stored(instance, event_id):
    """{email: status} of the load's registrations, and the event's on-site confirmed count."""
    path = instance / "registration.sqlite"
    rows = _query(path, "SELECT email, status FROM registrations "
                        "WHERE event_id = ? AND email LIKE 'load%'", event_id)
    confirmed = _query(path, "SELECT count(*) FROM registrations WHERE event_id = ? "
                             "AND attendance_mode = 'onsite' AND status = 'confirmed'", event_id)
    assert len(rows) == len({email for email, _ in rows}), "a registrant was stored twice"
    return dict(rows), confirmed[0][0]


def _emails(instance):
    """[(recipient, template, status)] of the dev mailbox's emails to the load's registrants."""
    return _query(instance / "notify.sqlite", "SELECT recipient, template, status "
                                              "FROM outgoing_emails WHERE recipient LIKE 'load%'")


def test_embedded_server_answers_200_concurrent_registrations(served):
    base, instance = served
    forum = _open_forum(base)
    started = time.monotonic()

    posts, reads = _register_all(base, forum)

    answered = time.monotonic()
    statuses = [status for status, _ in posts]
    slowest = max(seconds for _, seconds in posts)
    slowest_read = max(seconds for _, seconds in reads)
    print(f"\nscenario 7: {statuses.count(202)} x 202 of {REGISTRATIONS} in "
          f"{answered - started:.1f} s, slowest {slowest:.2f} s; {len(reads)} reads, slowest "
          f"{slowest_read:.2f} s")
    assert statuses == [202] * REGISTRATIONS, sorted(set(statuses), key=str)
    assert slowest < SLOWEST_ANSWER
    assert {status for status, _ in reads} == {200}
    assert slowest_read < SLOWEST_ANSWER

    stored, onsite_confirmed = _stored(instance, forum["id"])
    assert len(stored) == REGISTRATIONS
    assert onsite_confirmed == forum["onsite_capacity"]  # every seat taken, none overbooked
    assert set(stored.values()) == {"confirmed", "waitlisted"}

    wait_until(lambda: len({to for to, _, status in _emails(instance) if status == "sent"})
               == REGISTRATIONS,
               timeout=EMAIL_DEADLINE, interval=1.0, message="every registrant's email")
    print(f"scenario 7: every registrant emailed {time.monotonic() - answered:.1f} s after the "
          "last answer")
    emails = _emails(instance)
    assert len(emails) == REGISTRATIONS, "a registrant was emailed twice"
    assert sorted(emails) == sorted((email, TEMPLATES[status], "sent")
                                    for email, status in stored.items())
