"""The communications plan's milestone states from a seeded annual clock, and its iCal feed."""

import datetime as dt
import re

import sqlalchemy as sa
from icalendar import Calendar

from services.notify import plan, tasks
from services.notify.models import Announcement, Campaign, CampaignStatus, PlannedForum, db
from shared.db import utcnow
from shared.testing.fixtures import login_as
from tests.notify.announcing import event_published

NOW = dt.datetime(2031, 9, 1, 9, 0, tzinfo=dt.UTC)


def seed_year(app):
    """The annual clock of 2031 as published: a spring forum held, an autumn one ahead, a winter
    one published late (less than 7 days ahead)."""
    forums = [
        (1, dt.datetime(2031, 3, 10, 10, 0, tzinfo=dt.UTC), "strategy", NOW - dt.timedelta(days=200)),
        (2, dt.datetime(2031, 10, 14, 10, 0, tzinfo=dt.UTC), "budget", NOW - dt.timedelta(days=5)),
        (3, dt.datetime(2031, 9, 5, 10, 0, tzinfo=dt.UTC), "wellbeing", NOW - dt.timedelta(days=1)),
    ]
    for event_id, starts, theme, _published in forums:
        with app.app_context():  # the task runs in its own context, as in a worker
            tasks.announce_event(event_published(event_id, starts, theme=theme,
                                                 title=f"Forum {event_id}"))
    with app.app_context():
        for event_id, _starts, _theme, published in forums:
            db.session.get(PlannedForum, event_id).published_at = published
        db.session.commit()


def states(app, now=NOW):
    """{forum id: {milestone: state}} of the plan at ``now``."""
    with app.app_context():
        return {forum.id: {m.key: m.state for m in steps} for forum, steps in plan.plan(now=now)}


def test_milestone_states_follow_the_clock_and_the_evidence(notify_app):
    seed_year(notify_app)
    with notify_app.app_context():  # forum 1's announcement went out in a newsletter
        announcement = db.session.scalar(sa.select(Announcement).where(Announcement.source_id == 1))
        db.session.add(Campaign(content={"fi": {"subject": "s", "body": "b"}}, created_by="x",
                                status=CampaignStatus.SENT, finished_at=NOW - dt.timedelta(days=190),
                                announcement_id=announcement.id))
        plan.mark_done(db.session.get(PlannedForum, 1), "recording",
                       now=dt.datetime(2031, 3, 11, 12, 0, tzinfo=dt.UTC))
        db.session.commit()
    got = states(notify_app)
    assert got[1] == {"announcement": "done", "agenda": "done", "reminder": "done",
                      "comments_open": "done", "recording": "done", "recording_expiry": "done",
                      "memo": "late"}
    assert got[2] == {"announcement": "due", "agenda": "done", "reminder": "due",
                      "comments_open": "due", "recording": "due", "recording_expiry": "due",
                      "memo": "due"}
    assert got[3]["agenda"] == "late"  # published 4 days before the forum
    assert got[3]["announcement"] == "late"
    with notify_app.app_context():
        plan.mark_done(db.session.get(PlannedForum, 1), "memo")
        db.session.commit()
    assert states(notify_app)[1]["memo"] == "done"


def test_the_plan_page_links_to_act_and_marks_done(notify_app):
    seed_year(notify_app)
    client = notify_app.test_client()
    login_as(notify_app, client, "communications")
    page = client.get("/staff/plan").get_data(as_text=True)
    assert "Forum 2" in page and 'data-state="due"' in page  # 2031 is ahead of the real clock
    assert "/staff/campaigns/new?announcement=" in page
    assert "/registration/staff/events/2" in page
    assert client.post("/staff/plan/2/memo/done").status_code == 302
    assert client.post("/staff/plan/2/agenda/done").status_code == 404
    with notify_app.app_context():
        assert "memo" in db.session.get(PlannedForum, 2).milestones_done


def test_the_ical_feed_needs_the_signed_link(notify_app):
    seed_year(notify_app)
    client = notify_app.test_client()
    login_as(notify_app, client, "communications")
    page = client.get("/staff/plan").get_data(as_text=True)
    url = re.search(r'href="(http://localhost/plan/[^"]+\.ics)"', page).group(1)
    response = client.get(url.removeprefix("http://localhost"))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert len(events) == 3 * len(plan.LABELS)
    assert any(str(e["SUMMARY"]).endswith("Forum 2") for e in events)
    assert notify_app.test_client().get("/plan/forged.ics").status_code == 404


def test_only_communications_staff_see_the_plan(notify_app):
    client = notify_app.test_client()
    login_as(notify_app, client, "moderator")
    assert client.get("/staff/plan").status_code == 403
    assert utcnow()  # the plan is built on the real clock too
