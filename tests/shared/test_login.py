"""Logging in: where each role lands, deep links across services, throttling, key rotation."""

import pytest
from werkzeug.test import Client

from foorumi.apps import create_suite
from shared.testing.fixtures import create_staff
from tests.registration.builders import fast_passwords  # noqa: F401 - a fixture

#: the page each role lands on after logging in with no destination
LANDINGS = {
    "admin": "/registration/staff/events",
    "secretary": "/registration/staff/events",
    "moderator": "/feedback/staff/moderation",
    "communications": "/notify/staff/campaigns",
    "working_group": "/memo/staff/reviews",
}


@pytest.fixture
def suite(settings, fast_passwords):  # noqa: F811
    """The whole suite behind its dispatcher, as the embedded server serves it."""
    return create_suite(settings)


def log_in(suite, service, email, password, next_path=None):
    """POST the login form of ``service``; returns (client, response)."""
    client = Client(suite)
    query = f"?next={next_path}" if next_path else ""
    response = client.post(f"/{service}/staff/login{query}",
                           data={"email": email, "password": password})
    return client, response


@pytest.mark.parametrize("role", sorted(LANDINGS))
@pytest.mark.parametrize("service", ["registration", "feedback", "memo", "notify"])
def test_every_role_lands_on_a_page_it_may_open_from_every_login(make_app, suite, role, service):
    email, password = create_staff(make_app("portal"), role)
    client, response = log_in(suite, service, email, password)
    assert response.status_code == 302
    assert response.headers["Location"] == LANDINGS[role]
    assert client.get(response.headers["Location"]).status_code == 200


@pytest.mark.parametrize("role", sorted(LANDINGS))
@pytest.mark.parametrize("service", ["registration", "feedback", "memo", "notify"])
def test_every_services_staff_start_opens_for_every_role(make_app, suite, role, service):
    email, password = create_staff(make_app("portal"), role)
    client, _ = log_in(suite, service, email, password)
    response = client.get(f"/{service}/staff/", follow_redirects=True)
    assert response.status_code == 200


def test_a_deep_link_keeps_its_service_prefix_through_the_login(make_app, suite):
    email, password = create_staff(make_app("portal"), "moderator")
    anonymous = Client(suite)
    detour = anonymous.get("/feedback/staff/moderation?state=flagged")
    assert detour.status_code == 302
    login_url = detour.headers["Location"]
    assert "next=/feedback/staff/moderation?state%3Dflagged" in login_url or \
        "next=%2Ffeedback%2Fstaff%2Fmoderation%3Fstate%3Dflagged" in login_url
    response = anonymous.post(login_url, data={"email": email, "password": password})
    assert response.headers["Location"] == "/feedback/staff/moderation?state=flagged"


def test_a_deep_link_to_another_service_survives_a_login_on_this_one(make_app, suite):
    email, password = create_staff(make_app("portal"), "moderator")
    _, response = log_in(suite, "registration", email, password, "/feedback/staff/moderation")
    assert response.headers["Location"] == "/feedback/staff/moderation"


def test_login_is_throttled_per_account_whichever_address_tries(make_app):
    app = make_app("registration", RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="100 per minute",
                   RATELIMIT_LOGIN_PER_ACCOUNT="3 per minute")
    email, password = create_staff(app, "secretary")
    answers = []
    for n in range(4):
        client = app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"192.0.2.{n + 1}"
        answers.append(client.post("/staff/login", data={"email": email, "password": "wrong"}).status_code)
    assert answers == [401, 401, 401, 429]
    right = app.test_client()
    right.environ_base["REMOTE_ADDR"] = "192.0.2.99"
    assert right.post("/staff/login", data={"email": email, "password": password}).status_code == 429
    other_email, other_password = create_staff(app, "secretary")
    assert right.post("/staff/login", data={"email": other_email,
                                            "password": other_password}).status_code == 302


def test_login_is_throttled_per_address_too(make_app):
    app = make_app("registration", RATELIMIT_ENABLED=True, RATELIMIT_LOGIN="2 per minute",
                   RATELIMIT_LOGIN_PER_ACCOUNT="100 per minute")
    client = app.test_client()
    answers = [client.post("/staff/login", data={"email": f"u{n}@example.fi", "password": "x"}).status_code
               for n in range(3)]
    assert answers == [401, 401, 429]


@pytest.mark.parametrize("service", ["portal", "registration", "memo"])
def test_the_login_page_opens_with_rate_limits_off(make_app, service):
    app = make_app(service, RATELIMIT_ENABLED=False)
    import gc

    gc.collect()  # the portal's limiter was collected here, and every login page answered 500
    assert app.test_client().get("/staff/login").status_code == 200


def test_a_session_signed_with_the_previous_key_still_works_after_rotation(make_app):
    old, new = "o" * 40, "n" * 40
    before = make_app("feedback", SECRET_KEY=old)
    client = before.test_client()
    email, password = create_staff(before, "moderator")
    client.post("/staff/login", data={"email": email, "password": password})
    cookie = client.get_cookie("foorumi_session").value

    for keys, opens in (([old], True), ([], False)):
        after = make_app("feedback", SECRET_KEY=new, SECRET_KEY_FALLBACKS=keys)
        browser = after.test_client()
        browser.set_cookie("foorumi_session", cookie)
        assert (browser.get("/staff/moderation").status_code == 200) is opens


@pytest.mark.parametrize("email", ["nul\x00@example.fi", "x" * 5000])
def test_a_hostile_login_email_is_a_refusal_not_a_crash(make_app, email):
    app = make_app("registration")
    response = app.test_client().post("/staff/login", data={"email": email, "password": "p"})
    assert response.status_code == 401
