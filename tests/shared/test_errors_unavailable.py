"""A database that is really away is answered 503 with Retry-After, in the user's language.

The databases are on a PostgreSQL cluster of the module's own, migrated, and really stopped
(``pg_ctlcluster stop -m immediate``) for the tests that need it away: no exception is faked.
Pages answer 503 HTML in Finnish by default, in English or Swedish when the browser or the
language switch asks; the JSON APIs answer 503 JSON with ``Retry-After``; a staff member's page
is answered without asking the accounts database who they are. A database that accepts the
connection and then says nothing is given up on after the connect timeout, well before gunicorn
would kill the worker, and a SQLite file that cannot be opened is an outage too.
"""

import contextlib
import socket
import time

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError, OperationalError, TimeoutError

from foorumi.apps import FACTORIES
from foorumi.migrations import FOLDERS
from shared import deadlines, migrate
from shared.db import dispose_engines, engine_for
from shared.testing.databases import COMPONENTS
from shared.testing.fixtures import login_as
from shared.testing.servers import PostgresCluster, database_settings
from shared.web.errors import UNAVAILABLE_RETRY_AFTER, database_unavailable

pytestmark = pytest.mark.slow

FINNISH = "Palvelu on tilapäisesti poissa käytöstä. Yritä hetken kuluttua uudelleen."
SWEDISH = "Tjänsten är tillfälligt otillgänglig. Försök igen om en stund."
ENGLISH = "The service is temporarily unavailable. Please try again in a moment."
#: a page of each service that reads its database
PAGES = {"registration": "/", "feedback": "/", "memo": "/", "notify": "/archive"}
REGISTRATION = {"name": "Maija", "email": "maija@example.fi", "organisation": "Hoiva Oy",
                "municipality": "Kuopio", "attendance_mode": "onsite", "privacy_consent": True}


@pytest.fixture(scope="module")
def cluster():
    """A migrated cluster of the module's own: (cluster, settings); dropped at the end."""
    with PostgresCluster() as running:
        urls = running.create_databases(COMPONENTS)
        for component, url in urls.items():
            migrate.upgrade(component, FOLDERS[component], url)
        yield running, {
            "ENV": "test", "SECRET_KEY": "test-secret", "PUBLIC_URL": "http://localhost",
            **database_settings(urls), "BROKER_URL": "memory://", "PUBLISH_IMMEDIATELY": False,
            "RATELIMIT_ENABLED": False, "WTF_CSRF_ENABLED": False,
            "MAIL_BACKEND": "devmailbox", "DEV_MAILBOX": True,
        }
        dispose_engines()


@pytest.fixture
def up(cluster):
    """The cluster running; its settings."""
    running, settings = cluster
    if not running.answers():
        running.start()
    return settings


@pytest.fixture
def down(cluster):
    """The cluster stopped (immediately, as in a crash); its settings."""
    running, settings = cluster
    if running.answers():
        running.stop(mode="immediate")
    return settings


def page_text(response):
    """The response's body as text."""
    return response.get_data(as_text=True)


def assert_unavailable_page(response, lang, message):
    """A 503 page of the suite's layout in ``lang`` saying ``message``, with Retry-After."""
    assert response.status_code == 503, page_text(response)[:300]
    assert response.headers["Retry-After"] == str(UNAVAILABLE_RETRY_AFTER)
    assert response.mimetype == "text/html"
    text = page_text(response)
    assert f'<html lang="{lang}">' in text
    assert message in text
    assert "Traceback" not in text and "OperationalError" not in text


def assert_unavailable_json(response, message):
    """A 503 JSON error saying ``message``, with Retry-After."""
    assert response.status_code == 503, page_text(response)[:300]
    assert response.headers["Retry-After"] == str(UNAVAILABLE_RETRY_AFTER)
    assert response.get_json() == {"code": 503, "message": message}


def test_pages_and_api_answer_while_the_database_is_up(up):
    client = FACTORIES["registration"](up).test_client()
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/events").status_code == 200


def test_a_restarted_database_is_not_noticed_by_the_next_request(cluster, up):
    running, _settings = cluster
    client = FACTORIES["registration"](up).test_client()
    assert client.get("/api/v1/events").status_code == 200  # a connection now in the pool
    running.restart(mode="immediate")  # ... cut by the restart
    assert client.get("/api/v1/events").status_code == 200


def test_the_connections_carry_the_lock_and_statement_timeouts(up):
    with engine_for(up["REGISTRATION_DATABASE_URL"]).connect() as conn:
        assert conn.scalar(sa.text("SHOW lock_timeout")) == f"{deadlines.LOCK_TIMEOUT_SECONDS}s"
        assert conn.scalar(sa.text("SHOW statement_timeout")) == \
            f"{deadlines.STATEMENT_TIMEOUT_SECONDS}s"


@pytest.mark.parametrize("service", sorted(PAGES))
def test_a_page_answers_503_in_finnish_by_default(down, service):
    client = FACTORIES[service](down).test_client()
    assert_unavailable_page(client.get(PAGES[service]), "fi", FINNISH)


def test_a_page_answers_in_the_browsers_language(down):
    client = FACTORIES["registration"](down).test_client()
    response = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert_unavailable_page(response, "en", ENGLISH)


def test_a_page_answers_in_the_language_picked_on_the_site(down):
    client = FACTORIES["registration"](down).test_client()
    assert_unavailable_page(client.get("/?lang=sv"), "sv", SWEDISH)
    # the pick is remembered in a cookie, whatever the browser asks for
    response = client.get("/", headers={"Accept-Language": "en"})
    assert_unavailable_page(response, "sv", SWEDISH)


def test_a_logged_in_staff_members_page_answers_503(up, cluster):
    running, _settings = cluster
    app = FACTORIES["registration"](up)
    client = app.test_client()
    login_as(app, client, "secretary")
    assert client.get("/staff/events").status_code == 200
    running.stop(mode="immediate")
    response = client.get("/staff/events", headers={"Accept-Language": "en"})
    assert_unavailable_page(response, "en", ENGLISH)
    assert "Log out" not in page_text(response)  # nobody asked the accounts database


def test_the_api_answers_503_json_with_retry_after(down):
    client = FACTORIES["registration"](down).test_client()
    assert_unavailable_json(client.get("/api/v1/events"), FINNISH)
    response = client.post("/api/v1/events/1/registrations", json=REGISTRATION,
                           headers={"Accept-Language": "en"})
    assert_unavailable_json(response, ENGLISH)


def test_a_page_asking_for_json_gets_json(down):
    client = FACTORIES["memo"](down).test_client()
    response = client.get("/", headers={"Accept": "application/json", "Accept-Language": "sv"})
    assert_unavailable_json(response, SWEDISH)


@contextlib.contextmanager
def silent_server():
    """A port that accepts TCP connections and never says a word (a hung database)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield listener.getsockname()[1]


def test_a_database_that_never_answers_is_given_up_on_after_the_connect_timeout(down):
    with silent_server() as port:
        url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/registration"
        client = FACTORIES["registration"]({**down, "REGISTRATION_DATABASE_URL": url}).test_client()
        started = time.monotonic()
        response = client.get("/api/v1/events", headers={"Accept-Language": "en"})
        took = time.monotonic() - started
    assert_unavailable_json(response, ENGLISH)
    assert deadlines.CONNECT_TIMEOUT_SECONDS - 1 <= took < deadlines.CONNECT_TIMEOUT_SECONDS + 5
    assert took < deadlines.WEB_WORKER_TIMEOUT_SECONDS


def test_a_sqlite_file_that_cannot_be_opened_is_an_outage(down, tmp_path):
    url = f"sqlite:///{tmp_path / 'missing-folder' / 'registration.sqlite'}"
    client = FACTORIES["registration"]({**down, "REGISTRATION_DATABASE_URL": url}).test_client()
    assert_unavailable_page(client.get("/"), "fi", FINNISH)


def test_only_an_unreachable_database_counts_as_an_outage():
    refused = OperationalError("SELECT 1", {}, Exception("connection refused"))
    assert database_unavailable(refused)
    assert database_unavailable(TimeoutError("QueuePool limit reached"))
    assert not database_unavailable(IntegrityError("INSERT", {}, Exception("duplicate key")))
    assert not database_unavailable(ValueError("a bug"))
