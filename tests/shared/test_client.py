"""Reading another service's JSON API (shared.web.client): the answer, or Unavailable."""

import threading
import time

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from shared.web.client import Unavailable, api_root, get_json


@Request.application
def _app(request):
    """JSON, text, an error or a slow answer, by path; the query and language echoed."""
    if request.path == "/slow":
        time.sleep(1.0)  # the server is slow on purpose: the client must give up first
    if request.path == "/text":
        return Response("<html>not json</html>", content_type="text/html")
    if request.path == "/error":
        return Response('{"errors": {}}', status=500, content_type="application/json")
    return Response(f'{{"q": "{request.args.get("q", "")}", '
                    f'"lang": "{request.headers.get("Accept-Language", "")}"}}',
                    content_type="application/json")


@pytest.fixture(scope="module")
def base():
    """A local server of :func:`_app`; its root URL."""
    server = make_server("127.0.0.1", 0, _app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_the_json_answer_with_its_query_and_language(base):
    assert get_json(f"{base}/ok", {"q": "a b"}, language="sv") == {"q": "a b", "lang": "sv"}


@pytest.mark.parametrize("path", ["/text", "/error"])
def test_no_json_or_an_error_is_unavailable(base, path):
    with pytest.raises(Unavailable):
        get_json(base + path)


def test_a_slow_service_is_unavailable_at_the_timeout(base):
    with pytest.raises(Unavailable):
        get_json(f"{base}/slow", timeout=0.2)


def test_the_api_root_is_configured_or_public_urls():
    assert api_root("", "http://x.example/", "feedback") == "http://x.example/feedback/api/v1"
    assert api_root("http://f:8000/api/v1/", "http://x", "feedback") == "http://f:8000/api/v1"
