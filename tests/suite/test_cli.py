"""The ``foorumi`` command as a newcomer uses it: migrate, demo, user create, serve.

Each command runs as its own process with the console script, in a fresh instance folder (the
embedded defaults: SQLite files, the SQLite broker, the dev mailbox).
"""

import contextlib
import os
import re
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from foorumi.demo import DEMO_STAFF
from services.registration.demo import EARLIER_FORUM
from shared.config import SERVICES
from shared.testing.smtp import free_port
from shared.testing.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
FOORUMI = Path(sys.executable).with_name("foorumi")
COMPONENTS = ("accounts", *SERVICES)


@pytest.fixture(scope="module")
def instance(tmp_path_factory):
    """A migrated instance folder."""
    folder = tmp_path_factory.mktemp("instance")
    result = foorumi(folder, "migrate")
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout
    return folder


def foorumi(folder, *args, extra_env=None, timeout=120):
    """Run ``foorumi <args>`` in the instance ``folder``, with no other FOORUMI_ setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOORUMI_")}
    env.update(FOORUMI_INSTANCE_DIR=str(folder), **(extra_env or {}))
    return subprocess.run([str(FOORUMI), *args], env=env, cwd=ROOT,  # noqa: S603
                          capture_output=True, text=True, timeout=timeout)


def row_counts(folder):
    """{(database, table): rows} of every table in the instance's databases."""
    counts = {}
    for component in COMPONENTS:
        with sqlite3.connect(folder / f"{component}.sqlite") as conn:
            tables = conn.execute("SELECT name FROM sqlite_master WHERE type='table'").fetchall()
            for (table,) in tables:
                rows = conn.execute(f'SELECT count(*) FROM "{table}"')
                counts[component, table] = rows.fetchone()[0]
    return counts


def staff_roles(folder):
    """{email: roles} of the instance's staff users."""
    with sqlite3.connect(folder / "accounts.sqlite") as conn:
        return dict(conn.execute("SELECT email, roles FROM staff_users"))


def _delivery_statuses(folder):
    """{status: deliveries} of the memo database."""
    with sqlite3.connect(folder / "memo.sqlite") as conn:
        return dict(conn.execute("SELECT status, count(*) FROM deliveries GROUP BY status"))


def test_migrate_makes_a_database_per_component(instance):
    for component in COMPONENTS:
        with sqlite3.connect(instance / f"{component}.sqlite") as conn:
            versions = conn.execute(f"SELECT version_num FROM alembic_version_{component}")
            assert versions.fetchall(), component
    again = foorumi(instance, "migrate")
    assert again.returncode == 0, again.stderr


def _memo_milestones(instance):
    """{key: source} of the demo's earlier forum's done memo milestones."""
    with sqlite3.connect(instance / "registration.sqlite") as conn:
        return dict(conn.execute(
            "SELECT m.key, m.source FROM milestones m JOIN events e ON e.id = m.event_id "
            "WHERE e.title = ? AND m.key LIKE 'memo_%' AND m.done_at IS NOT NULL",
            (EARLIER_FORUM,)).fetchall())


def test_demo_prints_the_logins_and_is_idempotent(instance):
    first = foorumi(instance, "demo")
    assert first.returncode == 0, first.stderr
    for role, email, _name, password in DEMO_STAFF:
        assert re.search(rf"^\s+{role}\s+{re.escape(email)}\s+{re.escape(password)}\s*$",
                         first.stdout, re.MULTILINE), first.stdout
    seeded = row_counts(instance)
    assert seeded["feedback", "topics"] >= 2 and seeded["feedback", "comments"] == 11
    assert "demo comments created: 11" in first.stdout
    assert seeded["memo", "memos"] == 2 and seeded["memo", "group_members"] == 7
    assert seeded["memo", "recipients"] == 3 and seeded["memo", "follow_up_updates"] == 1
    assert _delivery_statuses(instance) == {"sent": 5}  # 2 boards, the government, 2 presenters
    # the earlier forum's memo, as registration's milestones learned it from memo's messages
    assert _memo_milestones(instance) == {
        "memo_drafted": "memo.drafted", "memo_reviewed": "memo.approved",
        "memo_published": "memo.published", "memo_delivered": "memo.delivered"}

    second = foorumi(instance, "demo")
    assert second.returncode == 0, second.stderr
    assert all(email in second.stdout for _, email, _, _ in DEMO_STAFF)
    assert row_counts(instance) == seeded
    assert {email: roles for email, roles in staff_roles(instance).items()
            if email.endswith("@foorumi.example")} == {e: r for r, e, _, _ in DEMO_STAFF}


def test_announce_again_writes_an_announcement_per_published_event(instance):
    foorumi(instance, "demo")
    with sqlite3.connect(instance / "registration.sqlite") as conn:
        published = conn.execute("SELECT count(*) FROM events WHERE status IN "
                                 "('PUBLISHED', 'HELD', 'published', 'held')").fetchone()[0]
        before = _announcements(conn)
    result = foorumi(instance, "announce-again")
    assert result.returncode == 0, result.stderr
    assert f"announced {published} published or held events again" in result.stdout
    with sqlite3.connect(instance / "registration.sqlite") as conn:
        assert _announcements(conn) == before + published > before


def _announcements(conn):
    """How many ``event.published`` messages registration's outbox holds."""
    return conn.execute("SELECT count(*) FROM outbox_messages WHERE topic = 'event.published'"
                        ).fetchone()[0]


def test_demo_is_refused_in_production(tmp_path):
    assert foorumi(tmp_path, "migrate").returncode == 0
    result = foorumi(tmp_path, "demo", extra_env={
        "FOORUMI_ENV": "production", "FOORUMI_SECRET_KEY": "s" * 48, "FOORUMI_MAIL_BACKEND": "smtp"})
    assert result.returncode == 2
    assert "not in production" in result.stderr
    assert staff_roles(tmp_path) == {}


def test_user_create_adds_a_staff_user_with_the_role(instance):
    result = foorumi(instance, "user", "create", "--role", "secretary", "--email", "X@y.fi",
                     "--password", "a long enough password")
    assert result.returncode == 0, result.stderr
    assert "created X@y.fi (secretary)" in result.stdout
    assert "a long enough password" not in result.stdout
    assert staff_roles(instance)["x@y.fi"] == "secretary"


@pytest.mark.parametrize(("args", "error"), [
    (["--email", "x@y.fi", "--password", "a long enough password"], "exists already"),
    (["--email", "short@y.fi", "--password", "short"], "10 characters"),
])
def test_user_create_refuses_a_duplicate_or_a_short_password(instance, args, error):
    foorumi(instance, "user", "create", "--role", "moderator", "--email", "x@y.fi",
            "--password", "a long enough password")
    before = staff_roles(instance)
    result = foorumi(instance, "user", "create", "--role", "moderator", *args)
    assert result.returncode == 1
    assert error in result.stderr
    assert staff_roles(instance) == before


def test_user_create_refuses_an_unknown_role(instance):
    result = foorumi(instance, "user", "create", "--role", "king", "--email", "k@y.fi",
                     "--password", "a long enough password")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
    assert "k@y.fi" not in staff_roles(instance)


@contextlib.contextmanager
def serving(folder, *flags):
    """``foorumi serve <flags>`` on a free port in its own process group: (base URL, process)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOORUMI_")}
    env.update(FOORUMI_INSTANCE_DIR=str(folder), FOORUMI_PUBLIC_URL=f"http://127.0.0.1:{port}")
    log = folder / "serve.log"
    with open(log, "w") as out:
        server = subprocess.Popen(  # noqa: S603
            [str(FOORUMI), "serve", *flags, "--port", str(port)], env=env, cwd=ROOT,
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: server.poll() is not None or _status(base + "/") == 200, timeout=60,
                   message="foorumi serve to answer")
        assert server.poll() is None, log.read_text()
        yield base, server
    finally:
        if _group_alive(server.pid):
            os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def _group_alive(pgid):
    """Whether any process of the group ``pgid`` is still running."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.fixture
def served(instance):
    """The demo-seeded suite under ``foorumi serve --no-worker``."""
    assert foorumi(instance, "demo").returncode == 0
    with serving(instance, "--no-worker") as (base, server):
        yield base, server


def _status(url):
    """The status of GET ``url``, or None when nothing answers."""
    try:
        return requests.get(url, timeout=5, allow_redirects=False).status_code
    except requests.ConnectionError:
        return None


def _log_in(base, email, password):
    """Log in through the staff login form; returns the answer to the POST."""
    session = requests.Session()
    form = session.get(f"{base}/registration/staff/login", timeout=10)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', form.text).group(1)
    return session.post(f"{base}/registration/staff/login", timeout=10, allow_redirects=False,
                        data={"csrf_token": token, "email": email, "password": password})


def test_serve_answers_on_every_prefix_and_stops_on_sigterm(served):
    base, server = served
    for path in ("/", "/registration/", "/feedback/", "/memo/", "/notify/",
                 "/notify/dev/mailbox/"):
        assert _status(base + path) == 200, path
    os.killpg(server.pid, signal.SIGTERM)
    assert server.wait(timeout=20) == 0


def test_the_printed_demo_logins_work(served):
    base, _server = served
    for _role, email, _name, password in DEMO_STAFF:
        assert _log_in(base, email, password).status_code == 302, email
    wrong = _log_in(base, DEMO_STAFF[0][1], "not the password")
    assert wrong.status_code == 401


SEND_EMAIL = """
from services import notify
from services.notify.models import OutboxMessage, db
from shared.outbox import emit

with notify.create_app().app_context():
    emit(db.session, OutboxMessage, "notify.send_email", to="smoke@example.fi", locale="en",
         template="registration_confirmed", context={"event_title": "Smoke forum"})
    db.session.commit()
"""


def test_serve_runs_a_worker_and_beat_that_deliver_mail_to_the_dev_mailbox(tmp_path):
    """An outbox message reaches the dev mailbox through beat's relay, the SQLite broker and the
    worker (published by beat only: the after-commit publish is off for the writer)."""
    assert foorumi(tmp_path, "migrate").returncode == 0
    with serving(tmp_path) as (base, server):
        writer = subprocess.run(  # noqa: S603
            [sys.executable, "-c", SEND_EMAIL], cwd=ROOT, capture_output=True, text=True,
            timeout=60, env={**os.environ, "FOORUMI_INSTANCE_DIR": str(tmp_path),
                             "FOORUMI_PUBLISH_IMMEDIATELY": "0"})
        assert writer.returncode == 0, writer.stderr

        def delivered():
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            page = requests.get(f"{base}/notify/dev/mailbox/?to=smoke@example.fi", timeout=5)
            return "Registration confirmed: Smoke forum" in page.text

        wait_until(delivered, timeout=60, interval=0.2, message="the email in the dev mailbox")
        os.killpg(server.pid, signal.SIGTERM)
        assert server.wait(timeout=30) == 0
        wait_until(lambda: not _group_alive(server.pid), timeout=30,
                   message="the worker and beat to stop with the server")
