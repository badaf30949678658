"""The request guards: bounded ids in URLs, body limits checked before reading, JSON depth, URLs."""

import io
import json

import pytest
from flask import request
from werkzeug.routing import IntegerConverter

from shared.web.fields import ID_MAX
from shared.web.input_guards import IdConverter, json_depth

EN = {"Accept-Language": "en"}
SERVICES = ["registration", "feedback", "memo", "notify", "portal"]


class Untouchable(io.RawIOBase):
    """A request body of ``size`` bytes that must never be read; ``touched`` says if anything tried."""

    def __init__(self, size):
        super().__init__()
        self.size, self.position, self.touched = size, 0, False

    def readable(self):
        """It claims to be readable, so a reader would try."""
        return True

    def seekable(self):
        """The test client measures the body by seeking to its end."""
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        """Move within the pretended size."""
        self.position = self.size + offset if whence == io.SEEK_END else offset
        return self.position

    def tell(self):
        """Where the pretended position is."""
        return self.position

    def readinto(self, buffer):
        """Record the attempt and give nothing."""
        self.touched = True
        return 0


def add_test_routes(app):
    """A JSON echo and an integer route (only in these tests)."""

    def echo():
        """The JSON body, parsed."""
        return {"got": request.get_json()}

    def number(n):
        """The number in the path."""
        return {"n": n}

    app.add_url_rule("/api/v1/echo", "test_echo", echo, methods=["POST"])
    app.add_url_rule("/api/v1/number/<int:n>", "test_number", number)
    return app


@pytest.fixture
def app(make_app):
    """The notify app with small body limits and the test routes."""
    return add_test_routes(make_app("notify", FORM_MAX_BYTES=4096, JSON_MAX_BYTES=4096,
                                    JSON_MAX_DEPTH=8))


@pytest.fixture
def client(app):
    """A test client of the app."""
    return app.test_client()


def post_unread(client, path, size, content_type):
    """POST a body of ``size`` bytes (by its Content-Length) that cannot be read; (response, body)."""
    body = Untouchable(size)
    response = client.post(path, input_stream=body, content_type=content_type, headers=EN)
    return response, body


# -- ids in URLs


@pytest.mark.parametrize("service", SERVICES)
def test_every_integer_in_a_route_is_bounded_to_what_the_databases_hold(make_app, service):
    app = make_app(service)
    converters = [c for rule in app.url_map.iter_rules() for c in rule._converters.values()
                  if isinstance(c, IntegerConverter)]
    assert converters or service in ("memo", "portal")
    assert all(isinstance(c, IdConverter) and c.max == ID_MAX for c in converters)


@pytest.mark.parametrize("number", [str(2**31), str(2**63), "9" * 30, "9" * 5000])
def test_an_id_past_the_range_is_not_found(client, number):
    response = client.get(f"/api/v1/number/{number}", headers=EN)
    assert response.status_code == 404
    assert response.json["message"] == "The page or item was not found."


def test_the_largest_id_still_matches(client):
    assert client.get(f"/api/v1/number/{ID_MAX}").json == {"n": ID_MAX}


@pytest.mark.parametrize("path", [f"/archive/{2**63}", f"/archive/{2**31}", f"/archive/{ID_MAX}",
                                  f"/dev/mailbox/{2**31}/attachments/{2**31}"])
def test_real_routes_answer_404_for_ids_no_row_can_have(client, path):
    assert client.get(path).status_code == 404


def test_the_openapi_document_gives_the_bounds(client):
    doc = client.get("/api/v1/openapi.json").json
    [param] = doc["paths"]["/api/v1/campaigns/{campaign_id}"]["parameters"]
    assert param["schema"] == {"type": "integer", "minimum": 0, "maximum": ID_MAX}


# -- body limits


def test_a_form_over_the_limit_is_refused_before_it_is_read(client):
    response, body = post_unread(client, "/subscribe", 4097, "application/x-www-form-urlencoded")
    assert response.status_code == 413 and not body.touched
    assert "The request is too large." in response.get_data(as_text=True)


def test_the_limit_is_checked_before_csrf_reads_the_form(make_app):
    client = make_app("notify", WTF_CSRF_ENABLED=True, FORM_MAX_BYTES=1024).test_client()
    response, body = post_unread(client, "/subscribe", 5 * 1024 * 1024,
                                 "application/x-www-form-urlencoded")
    assert response.status_code == 413 and not body.touched


def test_json_over_the_limit_is_refused_before_it_is_read(client):
    response, body = post_unread(client, "/api/v1/echo", 4097, "application/json")
    assert response.status_code == 413 and not body.touched
    assert response.json == {"code": 413, "message": "The request is too large."}


def test_a_body_within_the_limit_is_read(client):
    assert client.post("/api/v1/echo", json={"text": "x" * 4000}).status_code == 200


def test_a_body_without_a_length_is_cut_at_the_limit(client):
    data = json.dumps({"text": "x" * 10_000}).encode()
    response = client.post("/api/v1/echo", input_stream=io.BytesIO(data), content_type="application/json",
                           environ_overrides={"wsgi.input_terminated": True})
    assert response.status_code == 413


def test_the_upload_limit_is_only_for_the_routes_marked_with_it(make_app):
    client = make_app("notify", MAX_CONTENT_LENGTH=100 * 1024 * 1024).test_client()
    response, body = post_unread(client, "/subscribe", 5 * 1024 * 1024,
                                 "application/x-www-form-urlencoded")
    assert response.status_code == 413 and not body.touched


# -- JSON depth and encoding


def test_json_nested_50000_deep_is_a_400_not_a_crash(make_app):
    client = add_test_routes(make_app("notify")).test_client()  # 50 kB: within the default limit
    response = client.post("/api/v1/echo", data="[" * 50_000, content_type="application/json",
                           headers=EN)
    assert response.status_code == 400
    assert response.json["message"] == "The data is nested too deeply."


def test_json_at_the_depth_limit_is_read(client):
    body = '{"a":' * 7 + "[1]" + "}" * 7
    assert client.post("/api/v1/echo", data=body, content_type="application/json").status_code == 200


def test_json_one_level_deeper_is_refused(client):
    body = '{"a":' * 8 + "[1]" + "}" * 8
    assert client.post("/api/v1/echo", data=body, content_type="application/json").status_code == 400


def test_brackets_inside_strings_are_text(client):
    response = client.post("/api/v1/echo", json={"text": '[{"\\' * 500})
    assert response.status_code == 200 and response.json["got"] == {"text": '[{"\\' * 500}


def test_json_that_is_not_utf8_is_a_400(client):
    response = client.post("/api/v1/echo", data='{"a": "ä"}'.encode("latin-1"),
                           content_type="application/json")
    assert response.status_code == 400


@pytest.mark.parametrize(("text", "depth"), [
    (b"", 0), (b"1", 0), (b"[]", 1), (b"[[], {}]", 2), (b'{"a": [{"b": []}]}', 4),
    (b'["]]]]", "\\"[[[["]', 1), (b'"[[["', 0), (b"[" * 100, 100),
])
def test_json_depth(text, depth):
    assert json_depth(text) == depth


# -- control characters in the URL


@pytest.mark.parametrize("path", ["/preferences/ab%00cd", "/unsubscribe/a%0Ab", "/archive%7F"])
def test_a_control_character_in_the_path_is_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", ["to=a%00b", "lang=fi%0D%0ASet-Cookie:x", "x%00=1"])
def test_a_control_character_in_the_query_is_a_400(client, query):
    assert client.get(f"/dev/mailbox/?{query}").status_code == 400
