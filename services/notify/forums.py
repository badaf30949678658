"""The upcoming forums as a newsletter block, read from the registration service's JSON API.

notify never reads registration's tables: :func:`read` asks its API (here
``GET /registration/api/v1/events``, the public list: dates, seats, registration state, page;
the communications plan asks for the milestones) and :func:`block` writes a Markdown block with each
forum's date in Helsinki time, how one can attend, and the registration link.
"""

from flask import current_app
from flask_babel import gettext

from shared.mail import format_period
from shared.web.client import Unavailable, api_root, get_json

TIMEOUT_SECONDS = 3.0


def api_url():
    """The registration API's root."""
    config = current_app.config
    return api_root(config["REGISTRATION_API_URL"], config["PUBLIC_URL"], "registration")


def read(path, params=None, language=None):
    """The JSON answer of ``GET {api_url()}{path}?{params}`` (in ``language``, if given), or
    None when the registration API did not answer in TIMEOUT_SECONDS or not with JSON."""
    try:
        return get_json(f"{api_url()}{path}", params, TIMEOUT_SECONDS, language)
    except Unavailable:
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
