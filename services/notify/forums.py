"""The upcoming forums as a newsletter block, read from the registration service's JSON API.

notify never reads registration's tables: it asks ``GET /registration/api/v1/events`` (the
public list: dates, seats, registration state, page) and writes a Markdown block with each
forum's date in Helsinki time, how one can attend, and the registration link.
"""

import json
import logging
import urllib.error
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


def upcoming():
    """The published open forums, soonest first; None when the registration API did not answer."""
    try:
        with urllib.request.urlopen(f"{api_url()}/events", timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - our own API
            events = json.load(response)
    except (OSError, urllib.error.URLError, ValueError) as exc:
        log.warning("notify: the registration API did not answer: %s", exc)
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
