"""A forum's change and cancellation reach the feed and the communications plan.

Before issue 14, a cancelled forum stayed in the feed and the plan as if nothing had happened,
and a forum edited into a targeted session stayed announced in public.
"""

import datetime as dt
import uuid
import xml.etree.ElementTree as ET

import sqlalchemy as sa

from services.notify import announcements, plan, tasks
from services.notify.models import Announcement, PlannedForum, db
from shared.contracts import ROUTES, events
from shared.db import utcnow
from shared.testing.fixtures import login_as
from tests.notify.announcing import event_published
from tests.registration.builders import fast_passwords  # noqa: F401 - a fixture

ATOM = "{http://www.w3.org/2005/Atom}"
STARTS = utcnow().replace(microsecond=0) + dt.timedelta(days=30)


def cancelled(event_id=1, kind="forum"):
    """An ``event.cancelled`` payload as registration sends it."""
    now = utcnow()
    return {"message_id": str(uuid.uuid4()), "occurred_at": now.isoformat(),
            "event_id": event_id, "kind": kind, "title": "Autumn provider forum",
            "starts_at": STARTS.isoformat(), "ends_at": (STARTS + dt.timedelta(hours=3)).isoformat(),
            "url": f"http://localhost/registration/events/{event_id}", "sequence": 1,
            "reason": "Too few registrations", "cancelled_at": now.isoformat()}


def changed(event_id=1, kind="forum", starts=None, occurred_at=None):
    """An ``event.changed`` payload as registration sends it."""
    starts = starts or STARTS + dt.timedelta(days=7)
    return {"message_id": str(uuid.uuid4()),
            "occurred_at": (occurred_at or utcnow()).isoformat(), "event_id": event_id,
            "kind": kind, "title": "Autumn provider forum", "starts_at": starts.isoformat(),
            "ends_at": (starts + dt.timedelta(hours=3)).isoformat(), "venue": "Hall",
            "url": f"http://localhost/registration/events/{event_id}", "sequence": 1,
            "changed": ["starts_at", "ends_at"], "reason": "Moved", "late_override": False}


def run(app, task, payload):
    """Run a receiving task in its own app context, as a worker would."""
    with app.app_context():
        return task(payload)


def announced(app):
    """Announce forum 1 a month ahead (a week before now)."""
    run(app, tasks.announce_event, event_published(
        starts=STARTS, published=utcnow() - dt.timedelta(days=7)))


def feed_titles(app):
    """The titles of the public Atom feed's entries."""
    feed = ET.fromstring(app.test_client().get("/feed.atom").data)
    return [entry.find(f"{ATOM}title").text for entry in feed.findall(f"{ATOM}entry")]


def plan_rows(app):
    """{forum id: cancelled_at} of the forums notify knows and has not withdrawn (the plan's
    milestones are registration's: tests/notify/test_plan.py reads them over HTTP)."""
    with app.app_context():
        return {forum.id: forum.cancelled_at for forum in db.session.scalars(
            sa.select(PlannedForum).where(PlannedForum.withdrawn_at.is_(None)))}


def test_notify_listens_to_changes_and_cancellations():
    assert tasks.FOLLOW_EVENT_CHANGE in ROUTES[events.EVENT_CHANGED]
    assert tasks.WITHDRAW_CANCELLED_FORUM in ROUTES[events.EVENT_CANCELLED]


def test_a_cancelled_forum_says_so_in_the_feed_and_the_plan(notify_app, fast_passwords):  # noqa: F811
    announced(notify_app)
    payload = cancelled()
    assert run(notify_app, tasks.withdraw_cancelled_forum, payload) == 1
    assert run(notify_app, tasks.withdraw_cancelled_forum, payload) is None  # redelivered
    assert feed_titles(notify_app) == ["Peruttu: Autumn provider forum"]
    with notify_app.app_context():
        (item,) = db.session.scalars(sa.select(Announcement)).all()
        assert "Too few registrations" in item.summary and "peruttu" in item.summary
    assert plan_rows(notify_app)[1] is not None
    with notify_app.app_context():  # the plan shows this reason beside registration's states
        assert plan.cancel_reasons([1]) == {1: "Too few registrations"}


def test_announcements_after_a_cancellation_change_nothing(notify_app):
    run(notify_app, tasks.withdraw_cancelled_forum, cancelled())  # heard of before its announcement
    assert run(notify_app, tasks.announce_event, event_published(starts=STARTS)) is None
    assert run(notify_app, tasks.follow_event_change, changed()) is None
    assert feed_titles(notify_app) == []
    assert plan_rows(notify_app)[1] is not None


def test_a_forum_made_targeted_is_withdrawn_everywhere(notify_app):
    announced(notify_app)
    assert run(notify_app, tasks.follow_event_change, changed(kind="targeted")) == 1
    assert feed_titles(notify_app) == []
    assert plan_rows(notify_app) == {}
    with notify_app.app_context():
        assert announcements.drafts() == []
        item_id = db.session.scalar(sa.select(Announcement.id))
    client = notify_app.test_client()
    login_as(notify_app, client, "communications")
    assert client.get(f"/staff/campaigns/new?announcement={item_id}").status_code == 404
    assert notify_app.test_client().get("/api/v1/announcements").json == []


def test_a_targeted_announcement_withdraws_it_too_and_an_open_one_brings_it_back(notify_app):
    announced(notify_app)
    assert run(notify_app, tasks.announce_event, event_published(kind="targeted")) is None
    assert feed_titles(notify_app) == [] and plan_rows(notify_app) == {}
    run(notify_app, tasks.announce_event, event_published(starts=STARTS))
    assert feed_titles(notify_app) == ["Autumn provider forum"] and 1 in plan_rows(notify_app)


def test_a_rescheduled_forum_moves_in_the_plan_and_the_feed(notify_app):
    announced(notify_app)
    new_start = STARTS + dt.timedelta(days=7)
    assert run(notify_app, tasks.follow_event_change, changed(starts=new_start)) == 1
    with notify_app.app_context():
        forum = db.session.get(PlannedForum, 1)
        assert forum.starts_at == new_start
        (item,) = db.session.scalars(sa.select(Announcement)).all()
        assert item.summary.splitlines()[1:] == ["- Budget 2032", "- Procurement plan"]
        assert str(new_start.astimezone(dt.timezone(dt.timedelta(hours=2))).year) in item.summary
    stale = changed(starts=STARTS + dt.timedelta(days=1),
                    occurred_at=utcnow() - dt.timedelta(hours=1))
    assert run(notify_app, tasks.follow_event_change, stale) is None
    with notify_app.app_context():
        assert db.session.get(PlannedForum, 1).starts_at == new_start


def test_a_cancelled_targeted_session_unknown_to_notify_is_ignored(notify_app):
    assert run(notify_app, tasks.withdraw_cancelled_forum, cancelled(kind="targeted")) is None
    assert run(notify_app, tasks.follow_event_change, changed(event_id=9)) is None
    assert plan_rows(notify_app) == {}
