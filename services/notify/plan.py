"""The communications plan: for each published forum its dated milestones, done, due or late.

Built from the forums notify learned of through ``event.published`` (``PlannedForum``) and the
policy numbers in settings. A milestone is *done* when its evidence is there (the announcement's
newsletter was sent; the agenda was published in time; the reminder and the comment window follow
from the clock; ``memo.published`` marks the memo, and ``event.published`` with a recording
marks the recording; staff may mark either by hand before its message comes),
*late* when its date has passed without that, and *due* otherwise. A cancelled forum's
milestones not done are *cancelled* (none is due or late); a forum made a targeted session is
not in the plan.
"""

import dataclasses
import datetime as dt

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from services.notify.models import (
    Announcement,
    AnnouncementKind,
    Campaign,
    CampaignStatus,
    PlannedForum,
    db,
)
from shared.db import utcnow

LABELS = {
    "announcement": _l("Announcement in the newsletter"),
    "agenda": _l("Agenda and material published"),
    "reminder": _l("Registration reminder"),
    "comments_open": _l("Comments open"),
    "recording": _l("Recording available"),
    "recording_expiry": _l("Recording expires"),
    "memo": _l("Memo published"),
}
#: milestones the staff may also mark done by hand (before their services report them)
MARKABLE = ("recording", "memo")
STATES = {"done": _l("Done"), "due": _l("Due"), "late": _l("Late"), "cancelled": _l("Cancelled")}


@dataclasses.dataclass
class Milestone:
    """One dated step of a forum's communication."""

    key: str
    at: dt.datetime
    state: str
    done_at: dt.datetime | None = None

    @property
    def label(self):
        """What the milestone is, in the user's language."""
        return LABELS[self.key]


def _days(name):
    """A number of days from settings, as a timedelta."""
    return dt.timedelta(days=current_app.config[name])


def _mark(key, at, done_at, now):
    """The milestone with its state."""
    if done_at is not None:
        return Milestone(key, at, "done", done_at)
    return Milestone(key, at, "late" if now > at else "due")


def _marked(forum, key):
    """When staff (or a report) marked ``key`` done, or None."""
    value = (forum.milestones_done or {}).get(key)
    return dt.datetime.fromisoformat(value) if value else None


def milestones(forum, announced_at, now=None):
    """The forum's milestones in date order; ``announced_at`` is when its newsletter went out."""
    now = now or utcnow()
    config = current_app.config
    agenda_due = forum.starts_at - _days("POLICY_PUBLISH_LEAD_DAYS")
    reminder_at = forum.starts_at - dt.timedelta(hours=config["REMINDER_HOURS_BEFORE"])
    recording_at = forum.ends_at + _days("PLAN_RECORDING_DAYS_AFTER")
    recording_done = _marked(forum, "recording")
    expiry_at = (recording_done or recording_at) + _days("POLICY_RECORDING_VISIBLE_DAYS")
    memo_at = (forum.ends_at + _days("POLICY_COMMENT_WINDOW_MIN_DAYS")
               + _days("PLAN_MEMO_DAYS_AFTER_COMMENTS"))
    steps = [
        _mark("announcement", forum.starts_at - _days("PLAN_ANNOUNCE_DAYS_BEFORE"), announced_at, now),
        _mark("agenda", agenda_due, forum.published_at if forum.published_at <= agenda_due else None,
              now),
        _mark("reminder", reminder_at, reminder_at if now >= reminder_at else None, now),
        _mark("comments_open", forum.starts_at, forum.starts_at if now >= forum.starts_at else None,
              now),
        _mark("recording", recording_at, recording_done, now),
        _mark("recording_expiry", expiry_at,
              expiry_at if recording_done and now >= expiry_at else None, now),
        _mark("memo", memo_at, _marked(forum, "memo"), now),
    ]
    if forum.cancelled_at is not None:
        steps = [m if m.state == "done" else Milestone(m.key, m.at, "cancelled") for m in steps]
    return sorted(steps, key=lambda m: m.at)


def announced(forum_ids):
    """{forum id: when a newsletter started from its announcement finished sending}."""
    if not forum_ids:
        return {}
    rows = db.session.execute(
        sa.select(Announcement.source_id, sa.func.min(Campaign.finished_at))
        .join(Campaign, Campaign.announcement_id == Announcement.id)
        .where(Announcement.kind == AnnouncementKind.EVENT,
               Announcement.source_id.in_(forum_ids), Campaign.status == CampaignStatus.SENT)
        .group_by(Announcement.source_id)).all()
    return dict(rows)


def announcement_ids(forum_ids):
    """{forum id: its announcement's id} (the link to start the newsletter from)."""
    if not forum_ids:
        return {}
    return dict(db.session.execute(
        sa.select(Announcement.source_id, Announcement.id)
        .where(Announcement.kind == AnnouncementKind.EVENT,
               Announcement.source_id.in_(forum_ids))).all())


def plan(now=None, limit=50):
    """[(forum, [Milestone])] of the forums from a year back on, by start time."""
    now = now or utcnow()
    forums = db.session.scalars(
        sa.select(PlannedForum).where(PlannedForum.starts_at >= now - dt.timedelta(days=365),
                                      PlannedForum.withdrawn_at.is_(None))
        .order_by(PlannedForum.starts_at).limit(limit)).all()
    sent = announced([f.id for f in forums])
    return [(forum, milestones(forum, sent.get(forum.id), now)) for forum in forums]


def mark_done(forum, key, now=None):
    """Record that staff did a MARKABLE milestone (flush only); raises KeyError for others."""
    if key not in MARKABLE:
        raise KeyError(key)
    forum.milestones_done = {**(forum.milestones_done or {}), key: (now or utcnow()).isoformat()}
    db.session.flush()
    return forum
