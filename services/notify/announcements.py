"""Announcements: published forums and sent newsletters as items of the public Atom feed, and as
draft blocks the staff start a newsletter from. Flush only; the caller commits.

``event.published`` arrives once per publication or agenda change; the forum's announcement and
its place in the communications plan are created the first time and updated after. Targeted
sessions are never announced in public: a forum announced as one is withdrawn from the feed and
the plan. A cancelled forum's announcements change nothing (:mod:`forum_changes`).
``memo.published`` adds the memo to the feed. Whether a milestone is done is registration's
to say (the plan reads it from registration's API), so nothing here marks one.
A forum's announcement carries its series' newsletter segment (a newsletter started from it
targets that segment) and is emailed once to each of the series' partners (:mod:`partners`).
"""

import sqlalchemy as sa
from flask_babel import force_locale, gettext

from services.notify import partners
from services.notify.models import Announcement, AnnouncementKind, PlannedForum, db
from shared.mail import format_period

FEED_SIZE = 50
#: the event kind that is announced in public (targeted sessions are not)
PUBLIC_KIND = "forum"


def _upsert(model, key, **values):
    """The row of ``model`` found by ``key`` (a dict), updated with ``values``, or a new one."""
    row = db.session.scalar(sa.select(model).filter_by(**key))
    if row is None:
        row = model(**key, **values)
        db.session.add(row)
    else:
        for name, value in values.items():
            setattr(row, name, value)
    return row


def summary_of(data):
    """The announcement's text: when, and the agenda's titles."""
    with force_locale("fi"):
        when = format_period(data["starts_at"], data["ends_at"])
    titles = [item["title"] for item in sorted(data.get("agenda") or [], key=lambda i: i["position"])]
    return "\n".join([when, *[f"- {t}" for t in titles]])


def event_announcement(event_id):
    """The feed item of a forum, or None."""
    return db.session.scalar(sa.select(Announcement).filter_by(
        kind=AnnouncementKind.EVENT, source_id=event_id))


def withdraw(event_id, at):
    """Take a forum that became a targeted session out of the feed and the plan (flush only)."""
    for row in (db.session.get(PlannedForum, event_id), event_announcement(event_id)):
        if row is not None and row.withdrawn_at is None:
            row.withdrawn_at = at
    db.session.flush()


def _ignored(data):
    """Whether an announcement comes after the forum's cancellation or an applied later change."""
    forum = db.session.get(PlannedForum, data["event_id"])
    return forum is not None and (forum.cancelled_at is not None or bool(
        forum.changed_at and data["occurred_at"] < forum.changed_at))


def announce_event(data):
    """Record a published forum for the feed and the plan, and email its series' partners
    (once per partner); returns the announcement or None.

    A targeted session is never announced (one that was a forum is withdrawn); a cancelled
    forum and a message older than an applied change are ignored.
    """
    if _ignored(data):
        return None
    if data["kind"] != PUBLIC_KIND:
        withdraw(data["event_id"], data["occurred_at"])
        return None
    event_id = data["event_id"]
    _upsert(PlannedForum, {"id": event_id}, title=data["title"][:200], theme=data["theme"][:20],
            starts_at=data["starts_at"], ends_at=data["ends_at"], url=data["url"][:500],
            withdrawn_at=None)
    announcement = _upsert(Announcement, {"kind": AnnouncementKind.EVENT, "source_id": event_id},
                           title=data["title"][:300], summary=summary_of(data),
                           url=data["url"][:500], withdrawn_at=None,
                           segment=partners.segment_of(data))
    partners.announce(data)
    db.session.flush()
    return announcement


def announce_memo(data):
    """A published memo becomes a feed item (registration records the memo's milestone)."""
    announcement = _upsert(Announcement, {"kind": AnnouncementKind.MEMO, "source_id": data["memo_id"]},
                           title=data["title"][:300], summary="", url=data["url"][:500],
                           published_at=data["published_at"])
    db.session.flush()
    return announcement


def feed(limit=FEED_SIZE):
    """The newest announcements (forums and newsletters), newest first; none withdrawn."""
    return db.session.scalars(sa.select(Announcement).where(Announcement.withdrawn_at.is_(None))
                              .order_by(Announcement.published_at.desc(), Announcement.id.desc())
                              .limit(limit)).all()


def drafts(limit=20):
    """Forum and memo announcements staff can start a newsletter from, newest first (none
    withdrawn)."""
    return db.session.scalars(sa.select(Announcement)
                              .where(Announcement.kind.in_([AnnouncementKind.EVENT,
                                                            AnnouncementKind.MEMO]),
                                     Announcement.withdrawn_at.is_(None))
                              .order_by(Announcement.published_at.desc()).limit(limit)).all()


def block(announcement):
    """A Markdown block of an announcement: a forum's title, when and agenda, and its
    registration link; a memo's title and link."""
    if announcement.kind == AnnouncementKind.MEMO:
        link = "[" + gettext("Read the memo") + f"]({announcement.url})"
        return f"## {announcement.title}\n\n{link}\n"
    link = gettext("Read more and register")
    return f"## {announcement.title}\n\n{announcement.summary}\n\n[{link}]({announcement.url})\n"
