"""The upcoming forums as a newsletter block, read from the registration service's JSON API.

notify never reads registration's tables: :func:`read` asks its API (here
``GET /registration/api/v1/events``, the public list: dates, seats, registration state, page;
the communications plan asks for the milestones) and :func:`block` writes a Markdown block with each
forum's date in Helsinki time, how one can attend, and the registration link.
"""

import json
import logging
import urllib.error
import urllib.parse
import urllib.request

from flask import current_app
from flask_babel import gettext

from shared.mail import format_period

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 3.0


def api_url():
    """The registration API's root."""
    configured = current_app.config["REGISTRATION_API_URL"]
    return (configured or current_app.config["PUBLIC_URL"].rstrip("/") + "/registration/api/v1"
            ).rstrip("/")


def read(path, params=None, language=None):
    """The JSON answer of ``GET {api_url()}{path}?{params}`` (in ``language``, if given), or
    None when the registration API did not answer in TIMEOUT_SECONDS or not with JSON."""
    query = f"?{urllib.parse.urlencode(params)}" if params else ""
    headers = {"Accept": "application/json", **({"Accept-Language": language} if language else {})}
    request = urllib.request.Request(f"{api_url()}{path}{query}", headers=headers)  # noqa: S310 - our own API
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - our own API
            return json.load(response)
    except (OSError, urllib.error.URLError, ValueError) as exc:
        log.warning("notify: the registration API did not answer: %s", exc)
        return None


def upcoming():
    """The published open forums, soonest first; None when the registration API did not answer."""
    events = read("/events")
    if not isinstance(events, list):
        return None
    return [e for e in events if isinstance(e, dict) and e.get("kind") == "forum"]


def _modes(event):
    """How one can attend, in words."""
    if event.get("onsite_capacity"):
        left = max(event["onsite_capacity"] - event.get("onsite_confirmed", 0), 0)
        return gettext("On-site (%(left)s seats left) or remote", left=left)
    return gettext("Remote")


def block(events):
    """A Markdown block listing ``events`` with date, modes and registration link."""
    lines = ["## " + gettext("Upcoming forums"), ""]
    for event in events:
        lines += [f"### {event['title']}", "",
                  gettext("%(when)s (Finnish time)",
                          when=format_period(event["starts_at"], event["ends_at"])),
                  "", _modes(event), ""]
        if event.get("registration_open"):
            lines += ["[" + gettext("Register") + f"]({event['url']}/register)", ""]
        else:
            lines += ["[" + gettext("Read more") + f"]({event['url']})", ""]
    return "\n".join(lines).rstrip() + "\n"
