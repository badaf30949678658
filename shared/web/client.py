"""Reading another service's JSON API over HTTP: one GET with a timeout, the answer's JSON.

Services never read each other's tables (the rules of the house); what they need from another
service they read from its documented API with :func:`get_json`. A service that does not answer
in time, answers an error or not JSON raises :class:`Unavailable`, and the caller says so to its
user (a notice on the page, a retry) instead of inventing the figures.
"""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request

log = logging.getLogger(__name__)


class Unavailable(Exception):
    """The other service did not answer with JSON (down, slow, an error, or something else)."""


def api_root(configured, public_url, service):
    """A service's API root: the configured URL, else ``PUBLIC_URL``'s ``/<service>/api/v1``."""
    return (configured or public_url.rstrip("/") + f"/{service}/api/v1").rstrip("/")


def get_json(url, params=None, timeout=3.0, language=None):
    """The JSON answer of ``GET url?params`` (asked in ``language``, if given); raises
    Unavailable when there is none within ``timeout`` seconds."""
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    headers = {"Accept": "application/json", **({"Accept-Language": language} if language else {})}
    request = urllib.request.Request(url + query, headers=headers)  # noqa: S310 - our own APIs
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - our own APIs
            return json.load(response)
    except (OSError, urllib.error.URLError, ValueError) as exc:
        log.warning("%s did not answer: %s", url, exc)
        raise Unavailable(url) from exc
