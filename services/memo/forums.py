"""memo's copy of the forum: kept from ``event.published``, or made from registration's API.

Flush only. A late, older announcement never overwrites a newer one; an agenda item dropped
from the published agenda is marked withdrawn, not deleted (a memo may refer to it).
"""

import datetime as dt

from services.memo.models import AgendaItem, Forum, db


def sync_forum(data):
    """Create or update the forum from a loaded ``event.published`` payload.

    Targeted sessions have no memo and are ignored. Returns the forum, or None if ignored.
    """
    if data["kind"] != "forum":
        return None
    forum = db.session.get(Forum, data["event_id"])
    if forum is not None and forum.announced_at and forum.announced_at > data["occurred_at"]:
        return None
    forum = forum or Forum(id=data["event_id"])
    forum.title, forum.url = data["title"], data["url"]
    forum.starts_at, forum.ends_at = data["starts_at"], data["ends_at"]
    forum.announced_at = data["occurred_at"]
    db.session.add(forum)
    _sync_agenda(forum, data["agenda"])
    db.session.flush()
    return forum


def _sync_agenda(forum, agenda):
    """Make the forum's agenda items those of the announcement (others withdrawn)."""
    existing = {item.id: item for item in forum.agenda_items}
    for entry in agenda:
        item = existing.pop(entry["id"], None) or AgendaItem(id=entry["id"])
        item.position, item.title = entry["position"], entry["title"]
        item.presenter_name = entry.get("presenter_name", "")
        item.presenter_email = entry.get("presenter_email") or item.presenter_email or ""
        item.withdrawn = False
        if item not in forum.agenda_items:
            forum.agenda_items.append(item)
    for item in existing.values():
        item.withdrawn = True


def _aware(value):
    """A timezone-aware datetime from an ISO 8601 string of the APIs."""
    return dt.datetime.fromisoformat(value.replace("Z", "+00:00"))


def from_registration(event):
    """The forum for registration's public event detail ``event`` (made if memo lacks it).

    Used when a memo is started for a forum published before memo listened to announcements;
    the venue is refreshed either way. Returns the forum, or None for a targeted session.
    """
    if event.get("kind") != "forum":
        return None
    forum = db.session.get(Forum, event["id"])
    if forum is None:
        forum = Forum(id=event["id"], title=event["title"], url=event["url"],
                      starts_at=_aware(event["starts_at"]), ends_at=_aware(event["ends_at"]))
        db.session.add(forum)
        for entry in event.get("agenda", []):
            forum.agenda_items.append(AgendaItem(
                id=entry["id"], position=entry["position"], title=entry["title"],
                presenter_name=entry.get("presenter_name", "")))
    forum.place = event.get("venue") or forum.place
    db.session.flush()
    return forum
