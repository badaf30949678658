"""Rate limits on public forms and the login, counted in a real Redis (shared.web.ratelimit)."""

import pytest
import redis
from flask import request

from services.notify.blueprint import limiter
from shared.testing.databases import redis_url
from shared.web.ratelimit import public_form_limits

REDIS_DB = 10
TOO_MANY = "Too many attempts. Please wait a moment and try again."


@public_form_limits(limiter)
def submit_form():
    """A public form (only in these tests)."""
    return "thanks"


@public_form_limits(limiter)
def submit_json():
    """A public JSON endpoint (only in these tests)."""
    return {"ok": True, "email": (request.get_json() or {}).get("email")}


@pytest.fixture
def storage():
    """A flushed Redis database for the limiter's counters."""
    return redis_url(REDIS_DB)


@pytest.fixture
def limited(make_app, storage):
    """The notify app with limits on, counted in Redis, and two limited test routes."""

    def build(**overrides):
        settings = {"RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": storage,
                    "RATELIMIT_LOGIN": "2 per minute", "RATELIMIT_PER_IP": "4 per minute",
                    "RATELIMIT_PER_EMAIL": "2 per minute", **overrides}
        app = make_app("notify", **settings)
        app.add_url_rule("/forms/test", "test_form", submit_form, methods=["GET", "POST"])
        app.add_url_rule("/api/v1/test", "test_json", submit_json, methods=["POST"])
        return app

    return build


def login(client, ip="127.0.0.1"):
    """One failed login attempt from ``ip``."""
    return client.post("/staff/login", data={"email": "nobody@example.fi", "password": "x"},
                       headers={"Accept-Language": "en"}, environ_base={"REMOTE_ADDR": ip})


def test_login_over_the_limit_answers_429_with_a_readable_page(limited, storage):
    client = limited().test_client()
    assert [login(client).status_code for _ in range(2)] == [401, 401]
    response = login(client)
    assert response.status_code == 429 and response.mimetype == "text/html"
    assert TOO_MANY in response.get_data(as_text=True)
    assert login(client, ip="10.0.0.2").status_code == 401  # another address is not limited
    keys = redis.Redis.from_url(storage).keys("*foorumi:notify*")
    assert keys, "the counters live in Redis"


def test_login_page_itself_is_not_limited(limited):
    client = limited().test_client()
    for _ in range(3):
        login(client)
    assert client.get("/staff/login").status_code == 200


def test_json_endpoint_over_the_limit_answers_a_json_error(limited):
    client = limited().test_client()
    codes = [client.post("/api/v1/test", json={"email": f"u{n}@example.fi"},
                         headers={"Accept-Language": "en"}).status_code for n in range(5)]
    assert codes == [200, 200, 200, 200, 429]
    response = client.post("/api/v1/test", json={"email": "new@example.fi"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 429
    assert response.get_json() == {"code": 429, "message": TOO_MANY}


def test_one_email_is_limited_across_addresses(limited):
    client = limited().test_client()

    def post(ip, email="Maija@Example.fi"):
        return client.post("/forms/test", data={"email": email},
                           environ_base={"REMOTE_ADDR": ip}).status_code

    assert [post("10.0.0.1"), post("10.0.0.2")] == [200, 200]
    assert post("10.0.0.3", "maija@example.fi") == 429  # same address, other case
    assert post("10.0.0.3", "pekka@example.fi") == 200


def test_reading_a_form_is_not_limited(limited):
    client = limited().test_client()
    assert all(client.get("/forms/test").status_code == 200 for _ in range(6))


def test_limits_can_be_switched_off(limited):
    client = limited(RATELIMIT_ENABLED=False).test_client()
    assert {login(client).status_code for _ in range(5)} == {401}
    codes = {client.post("/forms/test", data={"email": "a@example.fi"}).status_code
             for _ in range(6)}
    assert codes == {200}
