"""memo's copy of the forum: kept from ``event.published``, or made from registration's API.

The announcement's series gives the forum's default memo recipients and its communication
partners (:func:`publishing.recipients` reads them). ``event.changed`` moves the copy (title,
times, page, venue); ``event.cancelled`` marks it cancelled: no memo is drafted from it and
later announcements change nothing. Flush only. A late, older announcement never overwrites a
newer one; an agenda item dropped from the published agenda is marked withdrawn, not deleted
(a memo may refer to it).
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
    if forum is not None and _stale(forum, data):
        return None
    forum = forum or Forum(id=data["event_id"])
    forum.title, forum.url = data["title"], data["url"]
    forum.starts_at, forum.ends_at = data["starts_at"], data["ends_at"]
    forum.announced_at = data["occurred_at"]
    series = data.get("series") or {}
    forum.memo_recipients = [dict(entry) for entry in series.get("memo_recipients") or ()]
    forum.partners = [dict(entry) for entry in series.get("partners") or ()]
    db.session.add(forum)
    _sync_agenda(forum, data["agenda"])
    db.session.flush()
    return forum


def _stale(forum, data):
    """Whether the forum is cancelled or has applied a newer announcement than ``data``."""
    return forum.cancelled_at is not None or bool(
        forum.announced_at and forum.announced_at > data["occurred_at"])


def follow(data):
    """Apply a loaded ``event.changed`` to the forum's copy: title, times, page and venue.

    Returns the forum, or None when memo does not know it, it is cancelled or the message is
    older than the newest one applied. A forum made a targeted session keeps its copy (a memo
    may exist) and is not followed further here.
    """
    forum = db.session.get(Forum, data["event_id"])
    if forum is None or _stale(forum, data) or data["kind"] != "forum":
        return None
    forum.title, forum.url = data["title"], data["url"]
    forum.starts_at, forum.ends_at = data["starts_at"], data["ends_at"]
    forum.place = data.get("venue") or forum.place
    forum.announced_at = data["occurred_at"]
    db.session.flush()
    return forum


def cancel(data):
    """Mark a loaded ``event.cancelled``'s forum cancelled; returns it, or None (targeted).

    A forum memo never heard of is stored cancelled, so that a late announcement of it, or a
    ``feedback.window_closed``, drafts nothing.
    """
    forum = db.session.get(Forum, data["event_id"])
    if forum is None:
        if data["kind"] != "forum":
            return None
        forum = Forum(id=data["event_id"], title=data["title"], url=data["url"],
                      starts_at=data["starts_at"], ends_at=data["ends_at"])
        db.session.add(forum)
    if forum.cancelled_at is None:
        forum.cancelled_at = data["cancelled_at"]
    forum.announced_at = max(filter(None, (forum.announced_at, data["occurred_at"])))
    db.session.flush()
    return forum


def is_cancelled(event_id):
    """Whether memo knows forum ``event_id`` as cancelled."""
    forum = db.session.get(Forum, event_id)
    return forum is not None and forum.cancelled_at is not None


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
