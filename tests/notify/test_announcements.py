"""event.published becomes a feed item, a draft block and a plan row; the archive and the feed."""

import uuid
import xml.etree.ElementTree as ET

import sqlalchemy as sa

from services.notify import tasks
from services.notify.models import Announcement, CampaignStatus, PlannedForum, db
from shared.contracts import ROUTES, events
from shared.testing.fixtures import login_as
from tests.notify.announcing import event_published
from tests.notify.newsletters import add_campaign, add_subscriber, drain

ATOM = "{http://www.w3.org/2005/Atom}"


def announce(app, payload):
    """Run the receiving task as a worker would."""
    with app.app_context():
        return tasks.announce_event(payload)


def rows(app, model):
    """Every row of ``model``."""
    with app.app_context():
        return db.session.scalars(sa.select(model)).all()


def test_notify_listens_to_event_published():
    assert tasks.ANNOUNCE_EVENT in ROUTES[events.EVENT_PUBLISHED]


def test_a_published_forum_is_announced_once_and_updated_later(notify_app):
    payload = event_published()
    announce(notify_app, payload)
    announce(notify_app, payload)  # redelivered
    (announcement,) = rows(notify_app, Announcement)
    assert announcement.title == "Autumn provider forum"
    assert announcement.summary.splitlines()[1:] == ["- Budget 2032", "- Procurement plan"]
    announce(notify_app, {**event_published(), "title": "Autumn forum, new agenda"})
    (announcement,) = rows(notify_app, Announcement)
    assert announcement.title == "Autumn forum, new agenda"
    (forum,) = rows(notify_app, PlannedForum)
    assert (forum.id, forum.theme, forum.title) == (1, "budget", "Autumn forum, new agenda")


def test_targeted_sessions_are_never_announced(notify_app):
    assert announce(notify_app, event_published(kind="targeted")) is None
    assert rows(notify_app, Announcement) == []
    assert rows(notify_app, PlannedForum) == []


def test_the_feed_has_forums_and_sent_newsletters(notify_app):
    announce(notify_app, event_published())
    add_subscriber(notify_app, "maija@example.fi")
    drain(notify_app, add_campaign(notify_app))
    response = notify_app.test_client().get("/feed.atom")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    entries = feed.findall(f"{ATOM}entry")
    assert {e.find(f"{ATOM}title").text for e in entries} == {"Autumn provider forum", "Uutiskirje"}
    assert {e.find(f"{ATOM}category").get("term") for e in entries} == {"event", "newsletter"}


def test_the_feed_escapes_titles(notify_app):
    announce(notify_app, event_published(title="Forum <b>&</b> co"))
    feed = ET.fromstring(notify_app.test_client().get("/feed.atom").data)
    assert feed.find(f"{ATOM}entry/{ATOM}title").text == "Forum <b>&</b> co"


def test_the_archive_shows_sent_newsletters_in_the_readers_language(notify_app):
    add_subscriber(notify_app, "maija@example.fi")
    sent = add_campaign(notify_app)
    drain(notify_app, sent)
    draft = add_campaign(notify_app, status=CampaignStatus.DRAFT)
    client = notify_app.test_client()
    listing = client.get("/archive").get_data(as_text=True)
    assert "Uutiskirje" in listing
    sv = client.get(f"/archive/{sent}", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert "Nyhetsbrev" in sv and "<strong>Höstforumet</strong>" in sv
    assert client.get(f"/archive/{draft}").status_code == 404


def test_staff_start_a_newsletter_from_an_announcement(notify_app):
    announce(notify_app, event_published())
    (announcement,) = rows(notify_app, Announcement)
    client = notify_app.test_client()
    login_as(notify_app, client, "communications")
    assert "Start a newsletter" in client.get("/staff/campaigns").get_data(as_text=True) or \
        f"announcement={announcement.id}" in client.get("/staff/campaigns").get_data(as_text=True)
    page = client.get(f"/staff/campaigns/new?announcement={announcement.id}").get_data(as_text=True)
    assert "## Autumn provider forum" in page
    assert "http://localhost/registration/events/1" in page
    assert f'name="announcement_id" value="{announcement.id}"' in page


def memo_published(memo_id=5, event_id=1):
    """A memo.published payload as the memo service will send it."""
    return {"message_id": str(uuid.uuid4()), "occurred_at": "2031-11-20T10:00:00+00:00",
            "memo_id": memo_id, "event_id": event_id, "title": "Muistio: syysfoorumi",
            "url": f"http://localhost/memo/memos/{memo_id}",
            "published_at": "2031-11-20T10:00:00+00:00"}


def test_a_published_memo_is_in_the_feed_and_marks_nothing_done(notify_app):
    announce(notify_app, event_published())
    payload = memo_published()
    with notify_app.app_context():
        tasks.announce_memo(payload)
    with notify_app.app_context():
        tasks.announce_memo(payload)  # redelivered: nothing twice
    kinds = sorted(a.kind.value for a in rows(notify_app, Announcement))
    assert kinds == ["event", "memo"]
    (forum,) = rows(notify_app, PlannedForum)
    assert not forum.milestones_done  # registration records the memo's milestone, not notify
    feed = ET.fromstring(notify_app.test_client().get("/feed.atom").data)
    assert "Muistio: syysfoorumi" in {e.find(f"{ATOM}title").text for e in feed.findall(f"{ATOM}entry")}


def test_a_published_recording_marks_nothing_done_in_notify(notify_app):
    announce(notify_app, {**event_published(), "recording_published_at": "2031-10-16T08:00:00+00:00"})
    (forum,) = rows(notify_app, PlannedForum)
    assert not forum.milestones_done  # registration records the recording's milestone
    assert [a.kind.value for a in rows(notify_app, Announcement)] == ["event"]


def test_notify_listens_to_memo_published():
    assert tasks.ANNOUNCE_MEMO in ROUTES[events.MEMO_PUBLISHED]


def test_staff_start_a_newsletter_from_a_memo(notify_app):
    with notify_app.app_context():
        tasks.announce_memo(memo_published())
    (announcement,) = rows(notify_app, Announcement)
    client = notify_app.test_client()
    login_as(notify_app, client, "communications")
    assert f"announcement={announcement.id}" in client.get("/staff/campaigns").get_data(as_text=True)
    page = client.get(f"/staff/campaigns/new?announcement={announcement.id}").get_data(as_text=True)
    assert "## Muistio: syysfoorumi" in page and "http://localhost/memo/memos/5" in page
