"""Changes that reach everyone, across the services: a forum with registrants and open topics and
a targeted session with invitees are rescheduled and then cancelled, and a third forum is made a
targeted session, all through the staff pages and the staff API.

Registration's outbox is delivered by hand to each receiving task of ``shared.contracts.ROUTES``
in-process, so every email is rendered and recorded by notify's real ``notify.send_email`` and
each one's language, text and attached .ics is read back from what notify would send.
Feedback's topics, notify's feed and plan, memo's copy of the forum and registration's own
milestones are then checked against each message.
"""

import datetime as dt
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from services.feedback import closing as feedback_closing
from services.feedback import tasks as feedback_tasks
from services.feedback import topics as feedback_topics
from services.feedback.models import Forum, Topic
from services.feedback.models import db as feedback_db
from services.memo import tasks as memo_tasks
from services.memo.models import Forum as MemoForum
from services.memo.models import db as memo_db
from services.notify import tasks as notify_tasks
from services.notify.models import Announcement, OutgoingEmail, PlannedForum
from services.notify.models import db as notify_db
from services.registration.models import Event, Invitation, OutboxMessage, Registration
from services.registration.models import db as registration_db
from shared.contracts import ROUTES
from shared.db import utcnow
from shared.testing.fixtures import login_as
from tests.registration.builders import fast_passwords  # noqa: F401 - a fixture
from tests.registration.staff.support import event_form

#: the task that receives each routed message, and the service whose app it runs in
TASKS = {
    "feedback.sync_topics": ("feedback", feedback_tasks.sync_topics),
    "feedback.follow_event_change": ("feedback", feedback_tasks.follow_event_change),
    "feedback.close_cancelled_forum": ("feedback", feedback_tasks.close_cancelled_forum),
    "notify.announce_event": ("notify", notify_tasks.announce_event),
    "notify.follow_event_change": ("notify", notify_tasks.follow_event_change),
    "notify.withdraw_cancelled_forum": ("notify", notify_tasks.withdraw_cancelled_forum),
    "notify.send_email": ("notify", notify_tasks.send_email),
    "notify.request_subscription": ("notify", notify_tasks.request_subscription),
    "memo.sync_forum": ("memo", memo_tasks.sync_forum),
    "memo.follow_event_change": ("memo", memo_tasks.follow_event_change),
    "memo.close_cancelled_forum": ("memo", memo_tasks.close_cancelled_forum),
}
SUBJECTS = {
    "registration_event_changed": {"fi": "Muuttunut: ", "sv": "Ändrat: ", "en": "Changed: "},
    "registration_event_cancelled": {"fi": "Peruttu: ", "sv": "Inställt: ", "en": "Cancelled: "},
}
#: a phrase of each email's body in each language
PHRASES = {
    "registration_event_changed": {"fi": "on muuttunut", "sv": "har ändrats", "en": "has changed"},
    "registration_event_cancelled": {"fi": "on peruttu", "sv": "har ställts in",
                                     "en": "has been cancelled"},
}


@pytest.fixture(autouse=True)
def _fast(fast_passwords):  # noqa: F811 - the fixture imported above
    """Staff logins hash passwords cheaply in these tests."""


@pytest.fixture
def suite(make_app):
    """{service: app} of the four services on the same test databases."""
    return {name: make_app(name) for name in ("registration", "feedback", "notify", "memo")}


def deliver(suite):
    """Hand registration's unsent outbox messages to their receiving tasks, in order; returns
    the topics delivered."""
    with suite["registration"].app_context():
        rows = registration_db.session.scalars(
            sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
            .order_by(OutboxMessage.id)).all()
        for row in rows:
            row.sent_at = utcnow()
        registration_db.session.commit()
        messages = [(row.topic, row.payload) for row in rows]
    for topic, payload in messages:
        for task_name in ROUTES[topic]:
            service, task = TASKS[task_name]
            with suite[service].app_context():
                task(payload)
    return [topic for topic, _ in messages]


def staff(suite, *roles):
    """A client of registration logged in with ``roles``, reading English."""
    client = suite["registration"].test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    login_as(suite["registration"], client, *roles)
    return client


def local(moment):
    """A UTC time as the editor's Helsinki wall time (date, time)."""
    wall = moment.astimezone(dt.timezone(dt.timedelta(hours=2)))
    return wall.strftime("%Y-%m-%d"), wall.strftime("%H:%M")


def editor_post(start, **values):
    """The editor's post of a forum at ``start`` (three hours)."""
    (day, hour), (end_day, end_hour) = local(start), local(start + dt.timedelta(hours=3))
    return event_form(starts_at=f"{day}T{hour}", ends_at=f"{end_day}T{end_hour}", **values)


def create_published(suite, secretary, start, kind="forum", items=("Budget 2032",), **values):
    """An event made, given its agenda and published through the staff pages; its id."""
    response = secretary.post("/staff/events/new", data=editor_post(start, kind=kind, **values))
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    for title in items:
        secretary.post(f"/staff/events/{event_id}/agenda", data={"item_title": title})
    assert secretary.post(f"/staff/events/{event_id}/publish").status_code == 302
    return event_id


def register(suite, event_id, email, lang, mode="onsite", invitation=None):
    """Register through the public API in ``lang``."""
    query = f"?invitation={invitation}" if invitation else ""
    response = suite["registration"].test_client().post(
        f"/api/v1/events/{event_id}/registrations{query}", headers={"Accept-Language": lang},
        json={"name": email.split("@")[0].title(), "email": email, "organisation": "Hoiva Oy",
              "municipality": "Kuopio", "attendance_mode": mode, "privacy_consent": True})
    assert response.status_code == 202, response.json


def row_of(suite, model, **where):
    """One row of registration's ``model``."""
    with suite["registration"].app_context():
        return registration_db.session.scalars(sa.select(model).filter_by(**where)).one()


def emails_of(suite, template):
    """{recipient: (locale, subject, text, html, calendar)} of notify's emails of ``template``."""
    found = {}
    with suite["notify"].app_context():
        rows = notify_db.session.scalars(sa.select(OutgoingEmail)
                                         .where(OutgoingEmail.template == template)).all()
        for row in rows:
            assert row.recipient not in found, f"{row.recipient} got {template} twice"
            msg = message_from_bytes(row.mime, policy=policy.default)
            (ics,) = [part.get_content() for part in msg.iter_attachments()]
            found[row.recipient] = (row.locale, row.subject,
                                    msg.get_body(("plain",)).get_content(),
                                    msg.get_body(("html",)).get_content(),
                                    Calendar.from_ical(ics))
    return found


def live_topics(suite, event_id):
    """The forum's topics as feedback holds them."""
    with suite["feedback"].app_context():
        return feedback_db.session.scalars(sa.select(Topic).where(Topic.forum_id == event_id)
                                           .order_by(Topic.position)).all()


def window_states(suite, event_id, at):
    """The window state of each of the forum's topics at ``at``."""
    with suite["feedback"].app_context():
        forum = feedback_db.session.get(Forum, event_id)
        return [feedback_topics.window_state(topic, at) for topic in forum.topics]


def memo_forum(suite, event_id):
    """(starts_at, cancelled_at) of memo's copy of the forum."""
    with suite["memo"].app_context():
        copy = memo_db.session.get(MemoForum, event_id)
        return copy.starts_at, copy.cancelled_at


def feed(suite):
    """{announcement source id: title} of notify's public feed."""
    response = suite["notify"].test_client().get("/api/v1/announcements")
    return {item["url"].rsplit("/", 1)[1]: item["title"] for item in response.json}


def planned(suite):
    """{forum id: PlannedForum} of the forums notify knows for its plan (none withdrawn); the
    plan's milestones are registration's own (its milestones API)."""
    with suite["notify"].app_context():
        return {forum.id: forum for forum in notify_db.session.scalars(
            sa.select(PlannedForum).where(PlannedForum.withdrawn_at.is_(None)))}


def test_a_rescheduled_then_cancelled_forum_and_session_reach_everyone(suite):
    secretary, admin = staff(suite, "secretary"), staff(suite, "admin")
    start = (utcnow() + dt.timedelta(days=30)).replace(second=0, microsecond=0)
    forum = create_published(suite, secretary, start, title="Budget forum",
                             items=("Budget 2032", "Procurement plan"))
    session = create_published(suite, secretary, start, kind="targeted", title="Voucher session")
    assert secretary.post(f"/staff/events/{session}/invitations", data={
        "emails": "guest@example.fi invited@example.fi"}).status_code == 302
    register(suite, forum, "fi@example.fi", "fi")
    register(suite, forum, "sv@example.fi", "sv", mode="remote")
    register(suite, forum, "en@example.fi", "en")
    register(suite, forum, "gone@example.fi", "fi")
    token = row_of(suite, Registration, email="gone@example.fi").manage_token
    assert suite["registration"].test_client().post(
        f"/api/v1/registrations/{token}/cancel").status_code == 200
    invited = row_of(suite, Invitation, email="invited@example.fi").token
    register(suite, session, "invited@example.fi", "sv", invitation=invited)
    deliver(suite)
    assert len(live_topics(suite, forum)) == 2 and live_topics(suite, session) == []
    during = start + dt.timedelta(hours=1)
    assert window_states(suite, forum, during) == ["open", "open"]
    assert feed(suite) == {str(forum): "Budget forum"} and set(planned(suite)) == {forum}

    # -- rescheduled: the forum through the editor, the session through the API
    moved = start + dt.timedelta(days=7)
    response = secretary.post(f"/staff/events/{forum}/edit", data=editor_post(
        moved, title="Budget forum", theme="wellbeing", venue="Library hall", sequence="0",
        change_reason="The town hall is being renovated"))
    assert response.status_code == 302
    response = secretary.patch(f"/api/v1/staff/events/{session}", json={
        "starts_at": moved.isoformat(), "ends_at": (moved + dt.timedelta(hours=2)).isoformat(),
        "change_reason": "The rules are not ready", "sequence": 0})
    assert response.status_code == 200
    assert deliver(suite).count("event.changed") == 2

    registrants = {"fi@example.fi": "fi", "sv@example.fi": "sv", "en@example.fi": "en"}
    changed = emails_of(suite, "registration_event_changed")
    assert set(changed) == {*registrants, "guest@example.fi", "invited@example.fi"}
    for email, locale in registrants.items():
        locale_got, subject, text, html, cal = changed[email]
        assert (locale_got, subject) == (locale, SUBJECTS["registration_event_changed"][locale]
                                         + "Budget forum")
        assert "The town hall is being renovated" in text
        assert ("Library hall" in text) == (email != "sv@example.fi")  # remote: no venue
        assert PHRASES["registration_event_changed"][locale] in text
        (vevent,) = cal.walk("VEVENT")
        assert (str(vevent["UID"]), vevent["SEQUENCE"]) == (f"event-{forum}@foorumi", 1)
        assert vevent.decoded("DTSTART") == moved and str(cal["METHOD"]) == "PUBLISH"
        assert str(vevent["LOCATION"]) == ("https://meet.example/abc" if email.startswith("sv")
                                           else "Library hall")
    assert "https://meet.example/abc" in changed["sv@example.fi"][2]  # the remote join link
    for email, locale in (("guest@example.fi", "fi"), ("invited@example.fi", "sv")):
        locale_got, subject, text, _html, cal = changed[email]
        assert (locale_got, subject) == (locale, SUBJECTS["registration_event_changed"][locale]
                                         + "Voucher session")
        assert "The rules are not ready" in text
        (vevent,) = cal.walk("VEVENT")
        assert (str(vevent["UID"]), vevent["SEQUENCE"]) == (f"event-{session}@foorumi", 1)
    assert "invitation=" in changed["guest@example.fi"][2]  # not registered: the link to do so
    assert "/manage/" in changed["invited@example.fi"][2]  # registered: one email, as registrant

    with suite["feedback"].app_context():
        record = feedback_db.session.get(Forum, forum)
        assert record.starts_at == moved
        assert all(t.opens_at == moved and t.closes_at >= record.ends_at + dt.timedelta(days=7)
                   for t in record.topics)
    assert window_states(suite, forum, during) == ["not_open_yet", "not_open_yet"]
    plan_row = planned(suite)[forum]
    assert plan_row.starts_at == moved and plan_row.cancelled_at is None
    assert memo_forum(suite, forum) == (moved, None)
    due = {m["key"]: m["due_at"] for m in suite["registration"].test_client().get(
        f"/api/v1/events/{forum}/milestones").json["milestones"]}
    assert due["comments_close"] == (moved + dt.timedelta(hours=3, days=7)).isoformat()
    with suite["notify"].app_context():
        item = notify_db.session.scalars(sa.select(Announcement)).one()
        assert str(moved.year) in item.summary.splitlines()[0]
        assert item.summary.splitlines()[1:] == ["- Budget 2032", "- Procurement plan"]

    # -- cancelled: the forum through the confirmation page, the session through the API
    assert secretary.get(f"/staff/events/{forum}/cancel").status_code == 200
    response = secretary.post(f"/staff/events/{forum}/cancel", data={
        "reason": "Too few registrations", "confirm": "y", "sequence": "1"})
    assert response.status_code == 302
    assert admin.post(f"/api/v1/staff/events/{session}/cancel", json={
        "reason": "The procurement was withdrawn", "sequence": 1}).status_code == 200
    assert deliver(suite).count("event.cancelled") == 2

    cancelled = emails_of(suite, "registration_event_cancelled")
    assert set(cancelled) == {*registrants, "guest@example.fi", "invited@example.fi"}
    for email, (locale, subject, text, html, cal) in cancelled.items():
        event_id, title, reason = ((forum, "Budget forum", "Too few registrations")
                                   if email in registrants else
                                   (session, "Voucher session", "The procurement was withdrawn"))
        assert subject == SUBJECTS["registration_event_cancelled"][locale] + title, email
        assert PHRASES["registration_event_cancelled"][locale] in text, email
        assert reason in text and reason in html, email
        (vevent,) = cal.walk("VEVENT")
        assert str(cal["METHOD"]) == "CANCEL" and str(vevent["STATUS"]) == "CANCELLED"
        assert (str(vevent["UID"]), vevent["SEQUENCE"]) == (f"event-{event_id}@foorumi", 2)
    with suite["notify"].app_context():  # the cancelled registrant was told of neither
        assert set(notify_db.session.scalars(sa.select(OutgoingEmail.template).where(
            OutgoingEmail.recipient == "gone@example.fi"))) == {
            "registration_confirmed", "registration_cancelled"}

    assert window_states(suite, forum, moved + dt.timedelta(hours=1)) == ["closed", "closed"]
    topic_id = live_topics(suite, forum)[0].id
    assert suite["feedback"].test_client().post(f"/topics/{topic_id}/comments", data={
        "name": "M", "organisation": "O", "email": "m@example.fi", "text": "Hi"}).status_code == 409
    with suite["feedback"].app_context():
        assert feedback_closing.close_due_forums(now=moved + dt.timedelta(days=30)) == []
    assert feed(suite) == {str(forum): "Peruttu: Budget forum"}
    plan_row = planned(suite)[forum]
    assert plan_row.cancelled_at is not None and plan_row.cancel_reason == "Too few registrations"
    milestones = suite["registration"].test_client().get(
        f"/api/v1/events/{forum}/milestones").json["milestones"]  # what notify's plan shows
    assert {m["state"] for m in milestones} <= {"done", "cancelled"}
    assert memo_forum(suite, forum)[1] is not None  # no memo will be drafted for it

    public = suite["registration"].test_client()
    page = public.get(f"/events/{forum}", headers={"Accept-Language": "fi"}).get_data(as_text=True)
    assert "Too few registrations" in page
    cal = Calendar.from_ical(public.get(f"/events/{forum}.ics").data)
    assert str(cal["METHOD"]) == "CANCEL" and cal.walk("VEVENT")[0]["SEQUENCE"] == 2
    with suite["registration"].app_context():
        assert registration_db.session.get(Event, forum).sequence == 2


def test_a_forum_made_targeted_withdraws_everything_public_about_it(suite):
    secretary = staff(suite, "secretary")
    start = (utcnow() + dt.timedelta(days=30)).replace(second=0, microsecond=0)
    forum = create_published(suite, secretary, start, title="Open forum")
    register(suite, forum, "fi@example.fi", "fi")
    deliver(suite)
    topic_id = live_topics(suite, forum)[0].id
    assert suite["feedback"].test_client().get(f"/topics/{topic_id}").status_code == 200
    assert feed(suite) == {str(forum): "Open forum"}

    no_reason = secretary.post(f"/staff/events/{forum}/edit", data=editor_post(
        start, title="Open forum", kind="targeted", sequence="0"))
    assert no_reason.status_code == 422
    assert secretary.post(f"/staff/events/{forum}/edit", data=editor_post(
        start, title="Open forum", kind="targeted", sequence="0",
        change_reason="Only for the voucher providers")).status_code == 302
    assert deliver(suite) == ["event.changed", "notify.send_email", "event.published"]

    assert suite["feedback"].test_client().get(f"/topics/{topic_id}").status_code == 404
    assert all(t.withdrawn for t in live_topics(suite, forum))
    assert feed(suite) == {} and forum not in planned(suite)
    assert suite["registration"].test_client().get("/api/v1/events").json == []
    changed = emails_of(suite, "registration_event_changed")
    assert set(changed) == {"fi@example.fi"}
    assert "Only for the voucher providers" in changed["fi@example.fi"][2]
    with suite["notify"].app_context():
        assert notify_db.session.scalar(sa.select(PlannedForum.withdrawn_at)) is not None
