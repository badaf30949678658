"""A memo from draft to publication in the browser: the secretary edits and submits it, a member
requests changes, the secretary saves a new version, two members approve, the secretary
publishes, and the public page and its PDF link show; axe checks every page on the way.

The suite runs in an instance of its own (no demo data), where the setup makes, through the
services' own operations: a secretary and three working-group logins, a current council term
with those three members, and a held forum announced to memo with its memo drafted.
"""

import json
import os
import re
import signal
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from shared.testing.smtp import free_port
from shared.testing.waiting import wait_until
from tests.e2e.conftest import ROOT, _answers, _foorumi

pytestmark = pytest.mark.e2e
PASSWORD = "memo-e2e-password"
SECRETARY = "memo.sihteeri@example.fi"
MEMBERS = ("jasen.yksi@example.fi", "jasen.kaksi@example.fi", "jasen.kolme@example.fi")

SETUP = """
import datetime as dt, json, sys
import sqlalchemy as sa
from foorumi.apps import create_portal
from services import memo, registration
from services.memo import drafting, group
from services.memo.models import Forum, db as memo_db
from services.registration import emails
from services.registration.models import AgendaItem, Event, EventStatus, OutboxMessage, Theme
from services.registration.models import db as registration_db
from shared.auth import accounts_db, create_user
from shared.celery import celery_app
from shared.db import utcnow
import services.memo.tasks  # noqa: F401 - the consumer of event.published

password, secretary_email, members = sys.argv[1], sys.argv[2], sys.argv[3:]
with create_portal().app_context():
    secretary = create_user(secretary_email, "Selma Sihteeri", password, ["secretary"])
    users = [create_user(e, f"Jäsen {n}", password, ["working_group"]) for n, e in enumerate(members, 1)]
    accounts_db.session.commit()
now = utcnow()
with registration.create_app().app_context():
    event = Event(title="Selainfoorumi: muistion kierros", theme=Theme.WELLBEING, venue="Aluetalo",
                  onsite_capacity=20, starts_at=now - dt.timedelta(days=10, hours=3),
                  ends_at=now - dt.timedelta(days=10), status=EventStatus.HELD,
                  published_at=now - dt.timedelta(days=40))
    event.agenda_items.append(AgendaItem(title="Hyvinvointisuunnitelman seuranta", position=1,
                                         presenter_name="Helena Hyvä",
                                         presenter_email="helena.hyva@example.fi"))
    registration_db.session.add(event)
    registration_db.session.flush()
    emails.event_published(event)
    registration_db.session.commit()
    payload = registration_db.session.scalars(sa.select(OutboxMessage.payload).where(
        OutboxMessage.topic == "event.published").order_by(OutboxMessage.id.desc())).first()
    event_id = event.id
with memo.create_app().app_context():
    celery_app.tasks["memo.sync_forum"].run(payload)
    today = now.date()
    term = group.add_term({"label": "E2E", "starts_on": today - dt.timedelta(days=100),
                           "ends_on": today + dt.timedelta(days=1000)})
    for n, email in enumerate(members, 1):
        group.add_member(term, {"name": f"Jäsen {n}", "email": email, "organisation": f"Hoiva {n} Oy",
                                "industry": "home_care", "company_size": "small", "region": "north"})
    forum = memo_db.session.get(Forum, event_id)
    forum.place = "Aluetalo"
    found = drafting.draft(forum, [], None, secretary)
    memo_db.session.commit()
    print(json.dumps({"memo_id": found.id, "title": forum.title}))
"""


@pytest.fixture(scope="module")
def memo_suite(tmp_path_factory):
    """(base URL, memo id, forum title) of a served suite of its own holding a drafted memo."""
    port = free_port()
    instance = tmp_path_factory.mktemp("memo-instance")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("FOORUMI_")},
           "FOORUMI_INSTANCE_DIR": str(instance), "FOORUMI_PUBLIC_URL": f"http://127.0.0.1:{port}",
           "FOORUMI_RATELIMIT_ENABLED": "0", "FOORUMI_OUTBOX_RELAY_INTERVAL": "1"}
    _foorumi(env, "migrate")
    made = subprocess.run([sys.executable, "-c", SETUP, PASSWORD, SECRETARY, *MEMBERS],  # noqa: S603
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert made.returncode == 0, made.stderr
    data = json.loads(made.stdout.strip().splitlines()[-1])
    log = open(instance / "serve.log", "w")  # noqa: SIM115 - closed at teardown
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "foorumi.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: server.poll() is not None or _answers(base + "/"), timeout=60,
                   message="foorumi serve to answer")
        assert server.poll() is None, (instance / "serve.log").read_text()
        yield base, data["memo_id"], data["title"]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()


def _log_in(page, base, email):
    """Log in as ``email`` through the memo's staff login (English)."""
    page.context.clear_cookies()
    page.goto(f"{base}/memo/staff/login?lang=en")
    page.fill("[name=email]", email)
    page.fill("[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def _save(page, base, memo_id, old, new, axe):
    """The secretary replaces ``old`` with ``new`` in the editor and saves a version."""
    page.goto(f"{base}/memo/staff/memos/{memo_id}/edit")
    body = page.locator("textarea[name=body]")
    text = body.input_value()
    assert old in text
    body.fill(text.replace(old, new, 1))
    expect(page.locator("#preview")).to_contain_text(new)  # the live preview
    axe(page)
    page.get_by_role("button", name="Save as a new version").click()
    page.wait_for_load_state()


def _submit(page, base, memo_id, number, axe):
    """The secretary submits version ``number`` from the memo's page."""
    page.goto(f"{base}/memo/staff/memos/{memo_id}")
    axe(page)
    page.get_by_role("button", name=f"Submit version {number} for review").click()
    expect(page.locator("main")).to_contain_text("in review", ignore_case=True)


def _sign(page, base, memo_id, email, axe, changes=None):
    """A member opens the review page from the queue and approves, or requests ``changes``."""
    _log_in(page, base, email)
    page.goto(f"{base}/memo/staff/reviews")
    axe(page)
    page.locator(f"main a[href$='/memos/{memo_id}/review']").first.click()
    page.wait_for_url(re.compile(rf"/memos/{memo_id}/review$"))
    axe(page)
    if changes:
        page.fill("#changes-comment", changes)
        page.get_by_role("button", name="Request changes").click()
    else:
        page.get_by_role("button", name=re.compile(r"^Approve version")).click()
    page.wait_for_load_state()
    axe(page)


def test_draft_review_changes_approve_publish(page, memo_suite, axe):
    base, memo_id, title = memo_suite
    _log_in(page, base, SECRETARY)
    page.goto(f"{base}/memo/staff/memos/{memo_id}/edit")
    placeholder = page.locator("textarea[name=body]").input_value()
    first = "Keskustelussa sovittiin seurannan mittareista."
    old = next(line for line in placeholder.splitlines() if "muistiinpanot" in line
               or "discussion notes" in line)
    _save(page, base, memo_id, old, first, axe)
    _submit(page, base, memo_id, 2, axe)

    _sign(page, base, memo_id, MEMBERS[0], axe, changes="Lisää seurannan aikataulu.")
    expect(page.locator("main")).to_contain_text("changes", ignore_case=True)

    _log_in(page, base, SECRETARY)
    second = first + " Seuranta raportoidaan keväällä."
    _save(page, base, memo_id, first, second, axe)
    _submit(page, base, memo_id, 3, axe)

    _sign(page, base, memo_id, MEMBERS[1], axe)
    _sign(page, base, memo_id, MEMBERS[2], axe)

    _log_in(page, base, SECRETARY)
    page.goto(f"{base}/memo/staff/memos/{memo_id}")
    axe(page)
    page.get_by_role("button", name="Publish", exact=True).click()
    page.wait_for_load_state()
    expect(page.locator("main")).to_contain_text("published", ignore_case=True)
    axe(page)

    page.context.clear_cookies()
    page.goto(f"{base}/memo/memos/{memo_id}?lang=en")
    expect(page.locator("main")).to_contain_text(second)
    expect(page.get_by_role("heading", level=1)).to_contain_text(title)
    pdf = page.get_by_role("link", name="Download the memo as PDF")
    expect(pdf).to_be_visible()
    axe(page)
    href = pdf.get_attribute("href")
    answer = page.request.get(base + href if href.startswith("/") else href)
    assert answer.status == 200 and answer.body().startswith(b"%PDF-")
