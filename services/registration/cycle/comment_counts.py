"""The forums' comments counted by status, read from feedback's JSON API over HTTP.

registration never reads feedback's tables: :func:`of_forums` asks
``GET {FEEDBACK_API_URL}/comment-counts?forum_ids=...`` (at most ``CHUNK`` ids a request) and adds
the answers up; a feedback that does not answer in ``STATISTICS_API_TIMEOUT_SECONDS``, or not
with the expected JSON, gives None, and the statistics page says the figures are unavailable.
"""

import logging

from flask import current_app

from shared.web.client import Unavailable, api_root, get_json

log = logging.getLogger(__name__)
#: the most ids feedback takes in one request
CHUNK = 100


def api_url():
    """The root of feedback's JSON API."""
    config = current_app.config
    return api_root(config["FEEDBACK_API_URL"], config["PUBLIC_URL"], "feedback")


def _get(ids):
    """feedback's answer about ``ids``; raises Unavailable or ValueError when there is none."""
    data = get_json(f"{api_url()}/comment-counts", {"forum_ids": ",".join(map(str, ids))},
                    timeout=current_app.config["STATISTICS_API_TIMEOUT_SECONDS"])
    if not isinstance(data, dict) or not isinstance(data.get("forums"), list):
        raise ValueError("not a comment-counts answer")
    return data["forums"]


def _add(total, forum):
    """Add one forum's ``by_status`` and ``reported`` to ``total``."""
    for status, n in forum["by_status"].items():
        total[status] = total.get(status, 0) + int(n)
    total["reported"] = total.get("reported", 0) + int(forum.get("reported", 0))


def of_forums(event_ids):
    """{status code or "reported": comments} of the forums ``event_ids`` (feedback's forum ids
    are registration's event ids); None when feedback does not answer."""
    ids = list(event_ids)
    total = {}
    try:
        for start in range(0, len(ids), CHUNK):
            for forum in _get(ids[start:start + CHUNK]):
                _add(total, forum)
    except (Unavailable, ValueError, KeyError, TypeError, AttributeError) as exc:
        log.warning("registration: feedback's comment counts did not answer: %s", exc)
        return None
    return total
