"""The communications plan: each public forum's milestones as registration records them.

Registration owns the forum cycle: when each milestone falls due, whether it was done (only from
evidence: the publication, the sent newsletter, the recording, the memo...) and so its state.
The plan reads them from registration's ``GET /api/v1/milestones`` for a year back and a year
ahead, and keeps no idea of done of its own. When registration does not answer, there is no
plan (None) and the page says so, rather than guessing states.

What notify owns is added beside it: the announcement each forum's newsletter is started from,
and the reason of a cancellation notify was told (``event.cancelled``).
"""

import dataclasses
import datetime as dt
import logging

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from services.notify import forums
from services.notify.models import Announcement, AnnouncementKind, PlannedForum, db
from shared.db import utcnow

log = logging.getLogger(__name__)
#: the days around today the plan asks registration for (731 in all: its default maximum)
DAYS_BACK = DAYS_AHEAD = 365
STATES = {"done": _l("Done"), "due": _l("Due"), "late": _l("Late"),
          "cancelled": _l("Cancelled"), "open": _l("Not yet due")}


def _when(value):
    """An ISO 8601 time of the API as an aware datetime (None stays None)."""
    return dt.datetime.fromisoformat(value) if value else None


@dataclasses.dataclass(frozen=True)
class Milestone:
    """One milestone of a forum, as registration answered it."""

    key: str
    label: str
    due_at: dt.datetime | None
    done_at: dt.datetime | None
    state: str

    @classmethod
    def of(cls, data):
        """The milestone of one item of the API's ``milestones``."""
        if data["state"] not in STATES:
            raise ValueError(data["state"])
        return cls(str(data["key"]), str(data["label"]), _when(data["due_at"]),
                   _when(data["done_at"]), data["state"])


@dataclasses.dataclass(frozen=True)
class Forum:
    """A public forum of the plan with its milestones, as registration answered it."""

    id: int
    title: str
    status: str
    starts_at: dt.datetime
    url: str
    milestones: tuple

    @classmethod
    def of(cls, data):
        """The forum of one item of the API's answer."""
        return cls(int(data["id"]), str(data["title"]), str(data["status"]),
                   _when(data["starts_at"]), str(data["url"]),
                   tuple(Milestone.of(m) for m in data["milestones"]))

    @property
    def cancelled(self):
        """Whether registration cancelled it."""
        return self.status == "cancelled"


def plan(language=None, now=None):
    """[Forum] starting from a year back to a year ahead, by start; labels in ``language``.

    None when registration did not answer, or not with the milestones.
    """
    today = (now or utcnow()).date()
    answer = forums.read("/milestones", {"start": today - dt.timedelta(days=DAYS_BACK),
                                         "end": today + dt.timedelta(days=DAYS_AHEAD)}, language)
    if answer is None:
        return None
    try:
        return [Forum.of(item) for item in answer]
    except (KeyError, TypeError, ValueError) as exc:
        log.warning("notify: registration's milestones were not understood: %r", exc)
        return None


def announcement_ids(forum_ids):
    """{forum id: its announcement's id} (the link to start the newsletter from)."""
    if not forum_ids:
        return {}
    return dict(db.session.execute(
        sa.select(Announcement.source_id, Announcement.id)
        .where(Announcement.kind == AnnouncementKind.EVENT,
               Announcement.source_id.in_(forum_ids),
               Announcement.withdrawn_at.is_(None))).all())


def cancel_reasons(forum_ids):
    """{forum id: the reason given} of the forums notify was told were cancelled."""
    if not forum_ids:
        return {}
    return dict(db.session.execute(
        sa.select(PlannedForum.id, PlannedForum.cancel_reason)
        .where(PlannedForum.id.in_(forum_ids), PlannedForum.cancelled_at.is_not(None))).all())
