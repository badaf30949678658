"""What memo reads from the other services' JSON APIs, over HTTP with a timeout.

memo never imports another service nor reads its tables: the approved comments come from
feedback's ``GET /api/v1/forums/<id>/comments``, the venue and attendance counts from
registration's ``GET /api/v1/events/<id>``.
"""

from flask import current_app

from services.memo import links
from services.memo.errors import SourceUnavailable
from shared.web import client


def get_json(url):
    """The JSON answer of ``url``; raises SourceUnavailable when it does not answer with JSON."""
    try:
        return client.get_json(url, timeout=current_app.config["MEMO_API_TIMEOUT_SECONDS"])
    except client.Unavailable as exc:
        raise SourceUnavailable() from exc


def forum_comments(forum_id, url=None):
    """feedback's forum with its live topics and their approved comments (``url`` overrides)."""
    data = get_json(url or links.forum_comments_url(forum_id))
    if not isinstance(data, dict) or not isinstance(data.get("topics"), list):
        raise SourceUnavailable()
    return data


def registration_event(event_id):
    """registration's public event detail, or None when it does not answer (attendance unknown)."""
    try:
        data = get_json(links.registration_event_url(event_id))
    except SourceUnavailable:
        return None
    return data if isinstance(data, dict) else None


def attendance(event):
    """{"onsite", "remote", "checked_in"} from registration's event detail, or None."""
    if not event:
        return None
    return {"onsite": event.get("onsite_confirmed", 0), "remote": event.get("remote_registered", 0),
            "checked_in": event.get("checked_in", 0)}
