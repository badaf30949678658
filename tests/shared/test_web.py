"""The web frame every service shares: language, security headers, error pages and JSON errors."""

import pytest
from flask import request
from marshmallow import Schema, fields

from shared.web.i18n import COOKIE
from shared.web.security import CSP


class EmailSchema(Schema):
    """A schema for the test routes."""

    email = fields.Email(required=True)


def add_test_routes(app):
    """JSON routes under /api/ that read a body or fail validation (only in these tests)."""

    def echo():
        return {"got": request.get_json()}

    def validate():
        EmailSchema().load(request.get_json())
        return {"ok": True}

    app.add_url_rule("/api/v1/echo", "test_echo", echo, methods=["POST"])
    app.add_url_rule("/api/v1/validate", "test_validate", validate, methods=["POST"])
    return app


@pytest.fixture
def app(make_app):
    """The notify app with the test routes."""
    return add_test_routes(make_app("notify", FORM_MAX_BYTES=10_000, JSON_MAX_BYTES=10_000))


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


def page_lang(response):
    """The lang attribute of a page's html element."""
    text = response.get_data(as_text=True)
    start = text.index('<html lang="') + len('<html lang="')
    return text[start:text.index('"', start)]


def test_finnish_is_the_default_language(client):
    assert page_lang(client.get("/")) == "fi"
    assert page_lang(client.get("/", headers={"Accept-Language": "de, ru"})) == "fi"


@pytest.mark.parametrize("header, lang", [("sv-FI,sv;q=0.9", "sv"), ("en-GB,en;q=0.8", "en"),
                                          ("de;q=1, fi;q=0.5", "fi"), ("de, en;q=0.3", "en")])
def test_browser_language_is_used_among_the_three(client, header, lang):
    assert page_lang(client.get("/", headers={"Accept-Language": header})) == lang


def test_lang_parameter_sets_a_cookie_that_later_pages_follow(client):
    response = client.get("/?lang=sv", headers={"Accept-Language": "en"})
    assert page_lang(response) == "sv"
    cookie = client.get_cookie(COOKIE)
    assert cookie is not None and cookie.value == "sv"
    assert page_lang(client.get("/", headers={"Accept-Language": "en"})) == "sv"


def test_unknown_language_is_ignored(client):
    response = client.get("/?lang=xx")
    assert page_lang(response) == "fi"
    assert client.get_cookie(COOKIE) is None
    client.set_cookie(COOKIE, "xx")
    assert page_lang(client.get("/", headers={"Accept-Language": "en"})) == "en"


def test_language_switcher_keeps_the_pages_arguments(client):
    text = client.get("/?page=2").get_data(as_text=True)
    assert 'href="/?page=2&amp;lang=sv"' in text and 'hreflang="en"' in text


@pytest.mark.parametrize("path", ["/", "/does-not-exist", "/api/v1/nothing"])
def test_security_headers_on_pages_errors_and_json(client, path):
    headers = client.get(path).headers
    assert headers["Content-Security-Policy"] == CSP
    assert "default-src 'self'" in CSP and "script-src 'self'" in CSP
    assert "'unsafe-inline'" not in CSP and "frame-ancestors 'none'" in CSP
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"


def test_session_cookie_is_httponly_and_lax(app):
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_not_found_page_is_html_in_the_users_language(client):
    response = client.get("/nothing-here", headers={"Accept-Language": "en"})
    assert response.status_code == 404 and response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "The page or item was not found." in text and '<html lang="en">' in text


def test_not_found_under_api_is_json(client):
    response = client.get("/api/v1/nothing", headers={"Accept-Language": "en"})
    assert response.status_code == 404 and response.is_json
    assert response.get_json() == {"code": 404, "message": "The page or item was not found."}


def test_a_client_asking_for_json_gets_json(client):
    response = client.get("/nothing-here", headers={"Accept": "application/json"})
    assert response.status_code == 404 and response.is_json


def test_wrong_method_is_405(client):
    response = client.delete("/", headers={"Accept-Language": "en"})
    assert response.status_code == 405
    assert "This address does not accept that kind of request." in response.get_data(as_text=True)


def test_validation_error_under_api_is_422_with_field_errors(client):
    response = client.post("/api/v1/validate", json={"email": "nope"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"email": ["Enter a valid email address."]}


def test_oversized_form_is_413_page(client):
    response = client.post("/staff/login", data={"email": "x" * 20_000, "password": "p"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 413 and response.mimetype == "text/html"
    assert "The request is too large." in response.get_data(as_text=True)


def test_oversized_json_is_413_json(client):
    response = client.post("/api/v1/echo", json={"text": "x" * 20_000},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 413
    assert response.get_json() == {"code": 413, "message": "The request is too large."}


def test_body_within_the_limit_is_accepted(client):
    assert client.post("/api/v1/echo", json={"text": "x"}).get_json() == {"got": {"text": "x"}}


def test_form_without_csrf_token_is_refused_readably(make_app):
    app = make_app("notify", WTF_CSRF_ENABLED=True)
    response = app.test_client().post("/staff/login", data={"email": "a@b.fi", "password": "x"},
                                      headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "The form has expired" in response.get_data(as_text=True)
