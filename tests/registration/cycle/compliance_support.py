"""Forums with milestones for the compliance and statistics tests, at a frozen time."""

import datetime as dt

import sqlalchemy as sa

from services.registration.cycle import milestones
from services.registration.cycle.models import MilestoneKey, Series
from services.registration.models import Event, EventKind, EventStatus, Theme, db

K = MilestoneKey
#: the tests' "now" (a frozen clock)
NOW = dt.datetime(2027, 3, 15, 10, 0, tzinfo=dt.UTC)
SECRETARY = "sihteeri@hyvinvointialue.example"
RECIPIENTS = [{"email": "board@county.example", "kind": "board"},
              {"email": "hallitus@county.example", "kind": "regional_government"},
              {"email": "paula@county.example", "kind": "presenter"}]


def series(slug="palveluntuottajafoorumi", name="Palveluntuottajafoorumi", **numbers):
    """The series ``slug`` (created with ``numbers`` the first time); needs an app context."""
    found = db.session.scalar(sa.select(Series).filter_by(slug=slug))
    if found is None:
        found = Series(slug=slug, name=name, **numbers)
        db.session.add(found)
    return found


def forum(starts_at, in_series="palveluntuottajafoorumi", **fields):
    """A forum starting at ``starts_at`` (3 hours long) with its milestones scheduled."""
    values = {"kind": EventKind.FORUM, "title": "Budget forum", "theme": Theme.BUDGET,
              "starts_at": starts_at, "ends_at": starts_at + dt.timedelta(hours=3),
              "venue": "City hall", "onsite_capacity": 10, "status": EventStatus.PUBLISHED,
              "published_at": starts_at - dt.timedelta(days=20)}
    values.update(fields)
    event = Event(**values)
    if in_series:
        event.series = series(in_series)
    db.session.add(event)
    db.session.flush()
    milestones.schedule(event)
    return event


def done(event, key, at, evidence=None, by=SECRETARY, source="registration"):
    """Record ``key`` done at ``at``."""
    return milestones.record(event, key, at=at, by=by, source=source, evidence=evidence)


def complete(event):
    """Every milestone of a held forum done in time, captions and recipients included."""
    start, end = event.starts_at, event.ends_at
    for key in (K.ANNOUNCEMENT, K.AGENDA, K.NEWSLETTER):
        done(event, key, start - dt.timedelta(days=14))
    event.recording_url = "https://video.example/r"
    event.recording_published_at = end + dt.timedelta(days=1)
    milestones.schedule(event)
    done(event, K.RECORDING_PUBLISHED, end + dt.timedelta(days=1))
    done(event, K.RECORDING_CAPTIONED, end + dt.timedelta(days=3))
    closed = end + dt.timedelta(days=8)
    done(event, K.COMMENTS_CLOSE, closed, {"closed_at": closed.isoformat()},
         source="feedback.window_closed")
    done(event, K.MEMO_REVIEWED, closed + dt.timedelta(days=5), source="memo.approved")
    done(event, K.MEMO_PUBLISHED, closed + dt.timedelta(days=6), {"recipients": RECIPIENTS},
         source="memo.published")
    emails = [r["email"] for r in RECIPIENTS]
    done(event, K.MEMO_DELIVERED, closed + dt.timedelta(days=7), {  # as the consumer records it
        "memo_id": 1, "publication_id": 1, "recipients": emails, "sent": emails, "failed": []},
        source="memo.delivered")
    event.status = EventStatus.HELD
    return event


def check(board_or_checks, rule):
    """One check by its rule key, from a forum's checks."""
    return next(c for c in board_or_checks if c.rule == rule)
