"""Topics from ``event.published``: one per agenda item of a forum, and their comment windows.

A topic's window opens at the forum's start and closes at max(the time the secretary chose, the
forum's end + its series' comment days): the policy's floor can never be undercut, not
by the secretary (:func:`set_window` refuses) and not by a rescheduled event (the close time is
recomputed). An agenda item removed from the published agenda withdraws its topic; nothing is
deleted, so comments already given stay with the moderators. A cancelled forum's topics are
closed, and a forum made a targeted session hides them all (:mod:`forum_changes`).
"""

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from services.feedback.models import Forum, Topic, db
from shared.db import utcnow

#: only open forums get topics; targeted sessions are never handled in the open forum
COMMENTED_KINDS = ("forum",)


class WindowTooEarly(ValueError):
    """The close time is earlier than the policy allows; ``floor`` is the earliest allowed."""

    def __init__(self, floor):
        super().__init__(f"the comment window may not close before {floor.isoformat()}")
        self.floor = floor


def floor_days(forum=None):
    """The least number of days the forum's windows stay open after it ends: its series'
    (kept from ``event.published``), or the settings' POLICY_COMMENT_WINDOW_MIN_DAYS."""
    days = forum.comment_window_days if forum is not None else None
    return current_app.config["POLICY_COMMENT_WINDOW_MIN_DAYS"] if days is None else days


def window_days_of(data):
    """The comment days an ``event.published`` payload's series sets (None: the settings')."""
    series = data.get("series")
    return series["comment_window_days"] if series else None


def floor(forum):
    """The earliest moment the forum's topics may close: its end + its series' days."""
    return forum.ends_at + dt.timedelta(days=floor_days(forum))


def _apply_window(topic, forum):
    """Open at the forum's start; close at max(the chosen time, the floor)."""
    topic.opens_at = forum.starts_at
    topic.closes_at = max(topic.requested_closes_at or floor(forum), floor(forum))


def set_window(topic, closes_at):
    """Set the secretary's close time; raises WindowTooEarly before the floor. Flushes."""
    if closes_at.tzinfo is None:
        raise ValueError("closes_at must be timezone-aware")
    earliest = floor(topic.forum)
    if closes_at < earliest:
        raise WindowTooEarly(earliest)
    topic.requested_closes_at = closes_at
    _apply_window(topic, topic.forum)
    db.session.flush()
    return topic


def window_state(topic, now=None):
    """'not_open_yet', 'open' or 'closed' (a withdrawn topic, or a cancelled forum's, is closed)."""
    now = now or utcnow()
    if topic.withdrawn or topic.forum.cancelled_at is not None or now >= topic.closes_at:
        return "closed"
    return "open" if now >= topic.opens_at else "not_open_yet"


def is_open(topic, now=None):
    """Whether the topic takes comments now."""
    return window_state(topic, now) == "open"


def live(forum):
    """The forum's topics that are on its published agenda, in agenda order."""
    return [topic for topic in forum.topics if not topic.withdrawn]


def sync_forum(data):
    """Create or update a forum and its topics from an ``event.published`` payload. Flushes.

    Returns the Forum, or None when the message was ignored (not an open forum, a cancelled
    one, or older than the announcement already applied: late redeliveries never undo a newer
    agenda). A forum announced as a targeted session hides every topic it had.
    """
    forum = db.session.get(Forum, data["event_id"], with_for_update=db.is_postgresql())
    if forum is not None and (forum.cancelled_at is not None or (
            forum.announced_at and data["occurred_at"] < forum.announced_at)):
        return None
    if data["kind"] not in COMMENTED_KINDS:
        if forum is not None:
            hide(forum, data["occurred_at"])
        return None
    if forum is None:
        forum = Forum(id=data["event_id"])
        db.session.add(forum)
    forum.title, forum.url = data["title"][:200], data["url"]
    forum.starts_at, forum.ends_at = data["starts_at"], data["ends_at"]
    forum.comment_window_days = window_days_of(data)
    forum.announced_at = data["occurred_at"]
    _sync_topics(forum, data["agenda"])
    db.session.flush()
    return forum


def hide(forum, occurred_at):
    """Withdraw every topic of a forum that became a targeted session. Flushes."""
    for topic in forum.topics:
        topic.withdrawn = True
    forum.announced_at = occurred_at
    db.session.flush()
    return forum


def move(forum, data):
    """Follow a rescheduled forum: its times, title and page, and every window recomputed
    (never closing earlier than the floor after the new end: the series' days kept from the
    forum's announcement, as ``event.changed`` carries no series). Flushes."""
    forum.title, forum.url = data["title"][:200], data["url"]
    forum.starts_at, forum.ends_at = data["starts_at"], data["ends_at"]
    forum.announced_at = data["occurred_at"]
    for topic in forum.topics:
        _apply_window(topic, forum)
    db.session.flush()
    return forum


def _sync_topics(forum, agenda):
    """Match topics to the agenda items by id: update, add, withdraw the removed ones."""
    ids = [item["id"] for item in agenda]
    existing = {topic.agenda_item_id: topic for topic in forum.topics}
    if ids:  # an item moved from another forum (not done today, but never a duplicate)
        query = sa.select(Topic).where(Topic.agenda_item_id.in_(ids))
        existing.update({t.agenda_item_id: t for t in db.session.scalars(query)})
    for item in agenda:
        topic = existing.get(item["id"])
        if topic is None:
            topic = Topic(agenda_item_id=item["id"])
        if topic not in forum.topics:
            forum.topics.append(topic)
        _update_topic(topic, item)
        _apply_window(topic, forum)
    for topic in forum.topics:
        if topic.agenda_item_id not in ids:
            topic.withdrawn = True


def _update_topic(topic, item):
    """Copy an agenda item's public facts onto its topic."""
    topic.position = item["position"]
    topic.title = item["title"][:200]
    topic.description = item.get("description") or ""
    topic.presenter_name = (item.get("presenter_name") or "")[:200]
    topic.material_urls = list(item.get("material_urls") or [])
    topic.withdrawn = False
