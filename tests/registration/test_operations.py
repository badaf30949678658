"""The registration service's state changes: seats, waiting list, publishing, reminders."""

import base64
import datetime as dt

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from services.registration import changes, operations, queries, tasks
from services.registration.models import (
    AttendanceMode,
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
    db,
)
from shared.auth import StaffUser
from shared.contracts import SCHEMAS, events
from shared.db import utcnow
from shared.testing.statements import recording
from tests.registration.conftest import JOIN_URL

CONFIRMED, WAITLISTED, CANCELLED = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED,
                                    RegistrationStatus.CANCELLED)


@pytest.fixture
def ctx(app):
    """An app context for calling operations directly."""
    with app.app_context():
        yield


def data(email="maija@example.fi", mode="onsite", **changes):
    """Registration input as the schema loads it."""
    return {"name": "Maija", "email": email, "organisation": "Hoiva Oy", "business_id": None,
            "municipality": "Kuopio", "attendance_mode": mode, "answers": {},
            "dietary_needs": "", "accessibility_needs": "", "privacy_consent": True,
            "newsletter_opt_in": False, **changes}


def register(event_id, email, mode="onsite", invitation=None):
    """Register ``email`` and commit; returns the registration."""
    registration, _created = operations.register(
        db.session.get(Event, event_id), data(email, mode), "fi", invitation)
    db.session.commit()
    return registration


def staff(*roles):
    """A (transient) staff user with ``roles``."""
    return StaffUser(email=f"{roles[0]}@hyvinvointialue.example", name="Staff",
                     roles=",".join(roles))


def templates(outbox, email=None):
    """The templates of the emails in the outbox (to ``email`` only, if given)."""
    return [p["template"] for p in outbox("notify.send_email") if email in (None, p["to"])]


def statuses(*registrations):
    """The current statuses of ``registrations``."""
    return [db.session.get(Registration, r.id).status for r in registrations]


# -- register


def test_register_confirms_while_seats_last_then_waitlists(ctx, create_event, outbox):
    event_id = create_event(onsite_capacity=2)

    regs = [register(event_id, f"p{n}@example.fi") for n in range(4)]

    assert [r.status for r in regs] == [CONFIRMED, CONFIRMED, WAITLISTED, WAITLISTED]
    assert [queries.waitlist_position(r) for r in regs] == [None, None, 1, 2]
    assert queries.seats_left(db.session.get(Event, event_id)) == 0
    assert templates(outbox) == ["registration_confirmed"] * 2 + ["registration_waitlisted"] * 2


def test_a_position_is_counted_once_until_the_session_changes_the_line(ctx, create_event):
    event_id = create_event(onsite_capacity=1)
    _, second, third = (register(event_id, f"p{n}@example.fi") for n in range(3))
    with recording(db.engine) as seen:
        assert [queries.waitlist_position(third) for _ in range(3)] == [2, 2, 2]
    assert len(seen) == 1
    second.status = RegistrationStatus.CANCELLED  # not flushed yet: counted again, after a flush
    assert queries.waitlist_position(third) == 1
    db.session.rollback()
    assert queries.waitlist_position(third) == 2
    operations.cancel(second)  # flushes
    assert [queries.waitlist_position(third) for _ in range(2)] == [1, 1]
    db.session.rollback()  # what was flushed is undone, and so is what was counted after it
    assert queries.waitlist_position(third) == 2


def test_confirmation_carries_an_ics_and_the_manage_link(ctx, create_event, outbox):
    registration = register(create_event(), "maija@example.fi")

    [message] = outbox("notify.send_email")
    assert message["context"]["manage_url"].endswith(f"/manage/{registration.manage_token}")
    assert message["context"]["join_url"] == ""
    [attachment] = message["attachments"]
    calendar = Calendar.from_ical(base64.b64decode(attachment["content_base64"]))
    assert str(calendar.walk("VEVENT")[0]["location"]) == "Town hall, Kuopio"


def test_remote_is_never_capped(ctx, create_event):
    event_id = create_event(onsite_capacity=0)

    registration = register(event_id, "remote@example.fi", mode="remote")

    assert registration.status == CONFIRMED


def test_same_email_twice_creates_nothing_and_resends_the_link(ctx, create_event, outbox):
    event_id = create_event()
    first = register(event_id, "maija@example.fi")

    again, created = operations.register(db.session.get(Event, event_id),
                                         data(" MAIJA@example.fi "), "fi")
    db.session.commit()

    assert (again.id, created) == (first.id, False)
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1
    assert templates(outbox) == ["registration_confirmed", "registration_already_registered"]


@pytest.mark.parametrize("values", [
    {"status": EventStatus.DRAFT},
    {"status": EventStatus.CANCELLED},
    {"registration_closes_at": utcnow() - dt.timedelta(minutes=1)},
    {"registration_opens_at": utcnow() + dt.timedelta(hours=1)},
    {"starts_at": utcnow() - dt.timedelta(minutes=1)},
])
def test_registration_closed_outside_its_window(ctx, create_event, values):
    event_id = create_event(**values)

    with pytest.raises(operations.RegistrationClosed):
        register(event_id, "late@example.fi")


def test_targeted_session_needs_an_invitation(ctx, create_event, outbox):
    event = db.session.get(Event, create_event(kind=EventKind.TARGETED))

    with pytest.raises(operations.RegistrationClosed):
        register(event.id, "guest@example.fi")
    invitation, created = operations.invite(event, " Guest@Example.fi ")
    again, created_again = operations.invite(event, "guest@example.fi")
    db.session.commit()
    registration = register(event.id, "guest@example.fi", invitation=invitation)

    assert (created, created_again, again.id) == (True, False, invitation.id)
    assert registration.status == CONFIRMED
    [sent] = [p for p in outbox("notify.send_email") if p["template"] == "registration_invitation"]
    assert sent["to"] == "guest@example.fi"
    assert sent["context"]["invitation_url"].endswith(f"invitation={invitation.token}")


# -- cancel and the waiting list


def test_cancel_promotes_the_first_in_line_in_order(ctx, create_event, outbox):
    event_id = create_event(onsite_capacity=1)
    a, b, c, d = (register(event_id, f"{n}@example.fi") for n in "abcd")

    operations.cancel(a)
    db.session.commit()
    assert statuses(a, b, c, d) == [CANCELLED, CONFIRMED, WAITLISTED, WAITLISTED]
    assert queries.waitlist_position(db.session.get(Registration, c.id)) == 1

    operations.cancel(b)
    db.session.commit()
    assert statuses(b, c, d) == [CANCELLED, CONFIRMED, WAITLISTED]
    assert templates(outbox, "b@example.fi") == [
        "registration_waitlisted", "registration_promoted", "registration_cancelled"]
    assert templates(outbox, "c@example.fi")[-1] == "registration_promoted"
    assert "registration_promoted" not in templates(outbox, "d@example.fi")


def test_cancelling_a_waitlisted_registration_promotes_nobody(ctx, create_event):
    event_id = create_event(onsite_capacity=1)
    a, b, c = (register(event_id, f"{n}@example.fi") for n in "abc")

    operations.cancel(b)
    db.session.commit()

    assert statuses(a, b, c) == [CONFIRMED, CANCELLED, WAITLISTED]
    assert queries.waitlist_position(db.session.get(Registration, c.id)) == 1


def test_cancel_twice_changes_nothing(ctx, create_event, outbox):
    registration = register(create_event(), "maija@example.fi")
    assert operations.cancel(registration) is True
    db.session.commit()
    sent = len(outbox())

    assert operations.cancel(registration) is False
    db.session.commit()
    assert len(outbox()) == sent


# -- change of attendance mode


def test_onsite_to_remote_frees_the_seat_for_the_first_in_line(ctx, create_event, outbox):
    event_id = create_event(onsite_capacity=1)
    a, b = (register(event_id, f"{n}@example.fi") for n in "ab")

    status = operations.change_mode(a, "remote")
    db.session.commit()

    assert status == CONFIRMED
    assert db.session.get(Registration, a.id).attendance_mode == AttendanceMode.REMOTE
    assert statuses(a, b) == [CONFIRMED, CONFIRMED]
    assert templates(outbox, "a@example.fi")[-1] == "registration_mode_changed"
    assert templates(outbox, "b@example.fi") == [
        "registration_waitlisted", "registration_promoted"]


def test_remote_to_onsite_follows_the_seat_rules(ctx, create_event):
    event_id = create_event(onsite_capacity=1)
    remote = register(event_id, "remote@example.fi", mode="remote")
    other = register(event_id, "other@example.fi", mode="remote")

    assert operations.change_mode(remote, "onsite") == CONFIRMED
    db.session.commit()
    assert operations.change_mode(other, "onsite") == WAITLISTED
    db.session.commit()

    assert queries.waitlist_position(db.session.get(Registration, other.id)) == 1
    assert operations.change_mode(other, "onsite") == WAITLISTED  # same mode: no change


def test_a_waitlisted_registrant_going_remote_is_confirmed(ctx, create_event):
    event_id = create_event(onsite_capacity=1)
    _a, b = (register(event_id, f"{n}@example.fi") for n in "ab")

    assert operations.change_mode(b, "remote") == CONFIRMED
    db.session.commit()
    assert db.session.get(Registration, b.id).waitlisted_at is None


def test_a_cancelled_registration_cannot_change_mode(ctx, create_event):
    registration = register(create_event(), "maija@example.fi")
    operations.cancel(registration)

    with pytest.raises(operations.RegistrationError):
        operations.change_mode(registration, "remote")


# -- capacity


def test_added_seats_go_to_the_waiting_list_in_order(ctx, create_event, outbox):
    event_id = create_event(onsite_capacity=1)
    regs = [register(event_id, f"{n}@example.fi") for n in "abcd"]

    promoted = operations.set_capacity(db.session.get(Event, event_id), 3)
    db.session.commit()

    assert [r.id for r in promoted] == [regs[1].id, regs[2].id]
    assert statuses(*regs) == [CONFIRMED, CONFIRMED, CONFIRMED, WAITLISTED]
    assert templates(outbox, "d@example.fi") == ["registration_waitlisted"]


def test_fewer_seats_cancel_nobody(ctx, create_event):
    event_id = create_event(onsite_capacity=2)
    regs = [register(event_id, f"{n}@example.fi") for n in "ab"]

    operations.set_capacity(db.session.get(Event, event_id), 1)
    db.session.commit()

    assert statuses(*regs) == [CONFIRMED, CONFIRMED]
    assert register(event_id, "c@example.fi").status == WAITLISTED


# -- publishing


def test_publish_announces_the_event(ctx, create_event, outbox):
    event = db.session.get(Event, create_event(
        status=EventStatus.DRAFT, published_at=None,
        agenda=[{"title": "Budget", "materials": [("a.pdf", "application/pdf", b"%PDF")]}]))

    operations.publish(event, staff("secretary"))
    db.session.commit()

    assert event.status == EventStatus.PUBLISHED and event.published_at is not None
    assert event.publish_override_reason is None
    [message] = outbox("event.published")
    assert (message["event_id"], message["title"]) == (event.id, "Provider forum")
    assert message["agenda"][0]["title"] == "Budget"
    assert message["agenda"][0]["material_urls"][0].startswith("http://localhost/registration/")


def test_publish_refuses_less_than_the_policy_lead_time(ctx, create_event, outbox):
    event = db.session.get(Event, create_event(
        status=EventStatus.DRAFT, published_at=None, starts_at=utcnow() + dt.timedelta(days=6)))

    with pytest.raises(operations.PolicyViolation):
        operations.publish(event, staff("secretary"))
    with pytest.raises(operations.PolicyViolation):
        operations.publish(event, staff("secretary"), override_reason="Urgent procurement")
    with pytest.raises(operations.PolicyViolation):
        operations.publish(event, staff("admin"), override_reason="   ")

    assert event.status == EventStatus.DRAFT
    assert outbox("event.published") == []


def test_an_admin_override_is_recorded(ctx, create_event, outbox):
    event = db.session.get(Event, create_event(
        status=EventStatus.DRAFT, published_at=None, starts_at=utcnow() + dt.timedelta(days=2),
        agenda=[{"title": "Budget"}]))

    operations.publish(event, staff("admin"), override_reason=" Urgent procurement ")
    db.session.commit()

    stored = db.session.get(Event, event.id)
    assert stored.status == EventStatus.PUBLISHED
    assert stored.publish_override_reason == "Urgent procurement"
    assert stored.publish_override_by == "admin@hyvinvointialue.example"
    assert len(outbox("event.published")) == 1


def test_lead_time_comes_from_the_settings(app, make_app, create_event):
    event_id = create_event(status=EventStatus.DRAFT, published_at=None,
                            starts_at=utcnow() + dt.timedelta(days=4), agenda=[{"title": "Budget"}])
    with app.app_context(), pytest.raises(operations.PolicyViolation):
        operations.publish(db.session.get(Event, event_id), staff("secretary"))

    with make_app("registration", POLICY_PUBLISH_LEAD_DAYS=3).app_context():
        event = operations.publish(db.session.get(Event, event_id), staff("secretary"))
        assert event.status == EventStatus.PUBLISHED


def test_only_a_draft_can_be_published(ctx, create_event):
    event = db.session.get(Event, create_event())

    with pytest.raises(operations.PolicyViolation):
        operations.publish(event, staff("admin"))


# -- the recording


def test_a_published_recording_is_announced_again(ctx, create_event, outbox):
    event = db.session.get(Event, create_event(status=EventStatus.HELD))
    before = len(outbox(events.EVENT_PUBLISHED))
    published = utcnow()
    operations.publish_recording(event, "https://video.example.fi/rec", now=published)
    db.session.commit()
    announcements = outbox(events.EVENT_PUBLISHED)
    assert len(announcements) == before + 1
    data = SCHEMAS[events.EVENT_PUBLISHED]().load(announcements[-1])
    assert data["recording_published_at"] == published and data["event_id"] == event.id


def test_recording_shows_for_the_policy_days(ctx, create_event):
    event = db.session.get(Event, create_event(status=EventStatus.HELD))
    published = utcnow()
    assert operations.recording_state(event) == "none"

    operations.publish_recording(event, "https://video.example.fi/rec", now=published)

    assert operations.recording_state(event, now=published + dt.timedelta(days=13)) == "available"
    assert operations.recording_state(
        event, now=published + dt.timedelta(days=14, seconds=-1)) == "available"
    assert operations.recording_state(event, now=published + dt.timedelta(days=14)) == "expired"


# -- reminders


def test_reminders_go_once_to_confirmed_registrants_with_the_join_link_for_remote(
        ctx, create_event, outbox):
    soon = create_event(onsite_capacity=1, starts_at=utcnow() + dt.timedelta(hours=20))
    later = create_event(starts_at=utcnow() + dt.timedelta(days=3))
    register(soon, "onsite@example.fi")
    register(soon, "waiting@example.fi")
    register(soon, "remote@example.fi", mode="remote")
    operations.cancel(register(soon, "gone@example.fi", mode="remote"))
    register(later, "later@example.fi")
    db.session.commit()

    assert tasks.send_reminders.run() == 2  # what beat runs, committing
    assert tasks.send_reminders.run() == 0

    reminders = {p["to"]: p for p in outbox("notify.send_email")
                 if p["template"] == "registration_reminder"}
    assert set(reminders) == {"onsite@example.fi", "remote@example.fi"}
    assert reminders["remote@example.fi"]["context"]["join_url"] == JOIN_URL
    assert reminders["onsite@example.fi"]["context"]["join_url"] == ""
    assert JOIN_URL not in str(reminders["onsite@example.fi"])


def test_reminders_skip_unpublished_and_past_events(ctx, create_event):
    event_id = create_event(starts_at=utcnow() + dt.timedelta(hours=20))
    register(event_id, "maija@example.fi")
    changes.cancel(db.session.get(Event, event_id), staff("secretary"), "No venue", confirmed=True)
    db.session.commit()

    assert operations.send_due_reminders() == 0
    assert operations.send_due_reminders(now=utcnow() + dt.timedelta(days=2)) == 0
