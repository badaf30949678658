"""The upcoming-forums block, read from the registration service's real JSON API over HTTP."""

import threading

import pytest
from werkzeug.serving import make_server

from shared.testing.fixtures import login_as
from tests.registration.builders import add_event


@pytest.fixture
def registration_api(make_app):
    """The registration app served over HTTP on a free port; yields its API root."""
    app = make_app("registration")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}/api/v1"
    server.shutdown()
    thread.join(timeout=5)


def test_the_composer_inserts_the_upcoming_forums_with_date_modes_and_link(make_app,
                                                                           registration_api):
    registration, api_url = registration_api
    event_id = add_event(registration, title="Budget forum", onsite_capacity=10)
    add_event(registration, title="Targeted session", kind="targeted")
    app = make_app("notify", REGISTRATION_API_URL=api_url)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_as(app, client, "communications")
    page = client.get("/staff/campaigns/new?block=forums").get_data(as_text=True)
    assert "### Budget forum" in page
    assert "(Finnish time)" in page
    assert "On-site (10 seats left) or remote" in page
    assert f"/registration/events/{event_id}/register" in page
    assert "Targeted session" not in page


def test_a_registration_api_that_does_not_answer_is_said_so(make_app):
    app = make_app("notify", REGISTRATION_API_URL="http://127.0.0.1:1/api/v1")
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_as(app, client, "communications")
    page = client.get("/staff/campaigns/new?block=forums").get_data(as_text=True)
    assert "did not answer" in page
