"""Changes of a published event that reach everyone (services.registration.changes).

Each finding of issue 14 has its test here: a move, a new venue or mode, a cancellation or a
change into a targeted session of a published event used to send nothing at all.
"""

import base64
import datetime as dt

import pytest
from icalendar import Calendar

from services.registration import changes, queries
from services.registration.models import (
    AttendanceMode,
    ChangeAction,
    Event,
    EventKind,
    EventStatus,
    Invitation,
    RegistrationStatus,
    db,
)
from shared.auth import StaffUser
from shared.contracts import SCHEMAS, events
from shared.db import utcnow
from tests.registration.builders import add_registration

CHANGE_TEMPLATE, CANCEL_TEMPLATE = "registration_event_changed", "registration_event_cancelled"


@pytest.fixture
def ctx(app):
    """A request context (English) for calling the operations directly."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def staff(*roles):
    """A (transient) staff user with ``roles``."""
    return StaffUser(email=f"{roles[0]}@hyvinvointialue.example", name="Staff",
                     roles=",".join(roles))


@pytest.fixture
def forum(app, create_event):
    """A published forum a month ahead with a confirmed, a waitlisted, a cancelled and a remote
    registrant and two invitees (one of whom registered); returns its id."""
    event_id = create_event(agenda=[{"title": "Budget"}])
    add_registration(app, event_id, "onsite@example.fi", locale="sv")
    add_registration(app, event_id, "waiting@example.fi", status=RegistrationStatus.WAITLISTED)
    add_registration(app, event_id, "gone@example.fi", status=RegistrationStatus.CANCELLED)
    add_registration(app, event_id, "remote@example.fi", attendance_mode=AttendanceMode.REMOTE,
                     locale="en")
    with app.app_context():
        db.session.add_all([Invitation(event_id=event_id, email="guest@example.fi", token="t-1"),
                            Invitation(event_id=event_id, email="onsite@example.fi", token="t-2")])
        db.session.commit()
    return event_id


def emails(outbox, template):
    """{recipient: payload} of the emails of ``template`` in the outbox."""
    return {p["to"]: p for p in outbox("notify.send_email") if p["template"] == template}


def calendar(payload):
    """The attached .ics of an email payload, parsed: (calendar, its one VEVENT)."""
    (attachment,) = payload["attachments"]
    assert (attachment["filename"], attachment["content_type"]) == ("foorumi.ics", "text/calendar")
    cal = Calendar.from_ical(base64.b64decode(attachment["content_base64"]))
    (vevent,) = cal.walk("VEVENT")
    return cal, vevent


def test_moving_a_published_forum_tells_every_registrant_and_invitee(ctx, forum, outbox):
    event = db.session.get(Event, forum)
    old_start = event.starts_at
    new_start = old_start + dt.timedelta(days=2)
    change = changes.edit(event, {"starts_at": new_start, "ends_at": new_start + dt.timedelta(
        hours=3), "venue": "Library hall"}, staff("secretary"), "The town hall is renovated")
    db.session.commit()

    assert (change.action, change.sequence, event.sequence) == (ChangeAction.CHANGED, 1, 1)
    assert set(change.fields) == {"starts_at", "ends_at", "venue"}
    assert change.fields["venue"] == ["Town hall, Kuopio", "Library hall"]
    told = emails(outbox, CHANGE_TEMPLATE)
    assert set(told) == {"onsite@example.fi", "waiting@example.fi", "remote@example.fi",
                         "guest@example.fi"}  # not the cancelled one; the invitee once
    assert told["onsite@example.fi"]["locale"] == "sv" and told["guest@example.fi"]["locale"] == "fi"
    context = told["onsite@example.fi"]["context"]
    assert context["reason"] == "The town hall is renovated"
    assert context["previous_starts_at"] == old_start.isoformat()
    assert context["starts_at"] == new_start.isoformat() and context["venue"] == "Library hall"
    assert "manage_url" in context and "invitation_url" in told["guest@example.fi"]["context"]
    for payload in told.values():
        cal, vevent = calendar(payload)
        assert str(cal["METHOD"]) == "PUBLISH"
        assert (str(vevent["UID"]), vevent["SEQUENCE"]) == (f"event-{forum}@foorumi", 1)
        assert vevent.decoded("DTSTART") == new_start.replace(microsecond=0)
    (message,) = outbox(events.EVENT_CHANGED)
    data = SCHEMAS[events.EVENT_CHANGED]().load(message)
    assert (data["event_id"], data["sequence"], data["changed"], data["late_override"]) == (
        forum, 1, ["ends_at", "starts_at", "venue"], False)


def test_a_remote_registrant_gets_the_new_join_link(ctx, forum, outbox):
    event = db.session.get(Event, forum)
    changes.edit(event, {"remote_join_url": "https://meet.example/new-room"}, staff("secretary"),
                 "New meeting service")
    db.session.commit()
    told = emails(outbox, CHANGE_TEMPLATE)
    assert told["remote@example.fi"]["context"]["join_url"] == "https://meet.example/new-room"
    assert told["onsite@example.fi"]["context"]["join_url"] == ""
    assert told["onsite@example.fi"]["context"]["changed"] == ["remote_join_url"]


def test_mode_and_kind_changes_are_told_and_capacity_alone_is_not(ctx, forum, outbox):
    event = db.session.get(Event, forum)
    assert changes.edit(event, {"onsite_capacity": 20, "title": "Renamed"},
                        staff("secretary")) is None
    db.session.commit()
    assert outbox(events.EVENT_CHANGED) == [] and event.sequence == 0
    change = changes.edit(event, {"onsite_capacity": 0}, staff("secretary"), "Remote only")
    assert change.fields == {"mode": ["onsite_and_remote", "remote"]}
    change = changes.edit(event, {"kind": EventKind.TARGETED}, staff("secretary"),
                          "Only for voucher providers")
    assert change.fields == {"kind": ["forum", "targeted"]} and event.sequence == 2
    db.session.commit()
    assert [m["kind"] for m in outbox(events.EVENT_CHANGED)] == ["forum", "targeted"]


def test_a_change_without_a_reason_changes_nothing(ctx, forum, outbox):
    event = db.session.get(Event, forum)
    with pytest.raises(changes.ChangeRefused) as refused:
        changes.edit(event, {"venue": "Elsewhere"}, staff("secretary"), "   ")
    assert refused.value.field == "change_reason"
    db.session.rollback()
    assert db.session.get(Event, forum).venue == "Town hall, Kuopio" and outbox() == []


def test_moving_inside_the_lead_time_needs_an_admins_recorded_override(ctx, forum, outbox):
    event = db.session.get(Event, forum)
    tomorrow = utcnow() + dt.timedelta(days=1)
    values = {"starts_at": tomorrow, "ends_at": tomorrow + dt.timedelta(hours=2)}
    for user, override in ((staff("secretary"), "Urgent"), (staff("admin"), "")):
        with pytest.raises(changes.ChangeRefused) as refused:
            changes.edit(event, values, user, "Moved", override)
        assert refused.value.field == "override_reason"
        db.session.rollback()
    assert db.session.get(Event, forum).starts_at > utcnow() + dt.timedelta(days=20)
    assert outbox() == []

    change = changes.edit(event, values, staff("admin"), "Moved", "The board decides on Friday")
    db.session.commit()
    assert (change.override_reason, change.changed_by) == (
        "The board decides on Friday", "admin@hyvinvointialue.example")
    (message,) = outbox(events.EVENT_CHANGED)
    assert message["late_override"] is True
    assert "The board decides" not in str(outbox("notify.send_email"))  # never emailed


def test_a_stale_form_is_refused(ctx, forum, outbox):
    event = db.session.get(Event, forum)
    changes.edit(event, {"venue": "Hall A"}, staff("secretary"), "Bigger room", sequence=0)
    db.session.commit()
    with pytest.raises(changes.ChangeRefused) as refused:  # the same form sent again
        changes.edit(event, {"venue": "Hall B"}, staff("secretary"), "Bigger room", sequence=0)
    assert (refused.value.field, refused.value.status) == ("change_reason", 409)
    db.session.rollback()
    assert db.session.get(Event, forum).venue == "Hall A"
    assert len(outbox(events.EVENT_CHANGED)) == 1


def test_a_draft_is_edited_without_telling_anyone(ctx, create_event, outbox):
    event = db.session.get(Event, create_event(status=EventStatus.DRAFT, published_at=None))
    assert changes.edit(event, {"venue": "Elsewhere"}, staff("secretary")) is None
    assert event.venue == "Elsewhere" and outbox() == []


def test_cancelling_tells_everyone_with_a_cancelling_calendar_entry(ctx, forum, outbox):
    event = db.session.get(Event, forum)
    change = changes.cancel(event, staff("secretary"), "Too few registrations", confirmed=True)
    db.session.commit()

    assert event.status == EventStatus.CANCELLED and change.action == ChangeAction.CANCELLED
    told = emails(outbox, CANCEL_TEMPLATE)
    assert set(told) == {"onsite@example.fi", "waiting@example.fi", "remote@example.fi",
                         "guest@example.fi"}
    for payload in told.values():
        assert payload["context"]["reason"] == "Too few registrations"
        cal, vevent = calendar(payload)
        assert str(cal["METHOD"]) == "CANCEL" and str(vevent["STATUS"]) == "CANCELLED"
        assert (str(vevent["UID"]), vevent["SEQUENCE"]) == (f"event-{forum}@foorumi", 1)
    (message,) = outbox(events.EVENT_CANCELLED)
    data = SCHEMAS[events.EVENT_CANCELLED]().load(message)
    assert (data["event_id"], data["reason"], data["sequence"]) == (
        forum, "Too few registrations", 1)


@pytest.mark.parametrize(("reason", "confirmed", "field"), [
    ("", True, "reason"), ("  ", True, "reason"), ("No venue", False, "confirm")])
def test_a_cancellation_needs_a_reason_and_the_confirmation(ctx, forum, outbox, reason,
                                                             confirmed, field):
    with pytest.raises(changes.ChangeRefused) as refused:
        changes.cancel(db.session.get(Event, forum), staff("secretary"), reason, confirmed)
    assert refused.value.field == field
    db.session.rollback()
    assert db.session.get(Event, forum).status == EventStatus.PUBLISHED and outbox() == []


def test_cancelling_twice_changes_nothing_the_second_time(ctx, forum, outbox):
    event = db.session.get(Event, forum)
    changes.cancel(event, staff("secretary"), "No venue", confirmed=True, sequence=0)
    db.session.commit()
    sent = len(outbox())
    with pytest.raises(changes.ChangeRefused) as refused:
        changes.cancel(event, staff("secretary"), "No venue", confirmed=True, sequence=0)
    assert refused.value.status == 409 and len(outbox()) == sent and event.sequence == 1


def test_a_cancelled_draft_tells_nobody(ctx, create_event, outbox):
    event = db.session.get(Event, create_event(status=EventStatus.DRAFT, published_at=None))
    changes.cancel(event, staff("secretary"), "Not needed", confirmed=True)
    assert event.status == EventStatus.CANCELLED and outbox() == []


def test_a_held_event_cannot_be_cancelled(ctx, create_event):
    with pytest.raises(changes.ChangeRefused):
        changes.cancel(db.session.get(Event, create_event(status=EventStatus.HELD)),
                       staff("secretary"), "Too late", confirmed=True)


def test_a_new_start_makes_the_day_before_reminder_due_again(ctx, forum):
    event = db.session.get(Event, forum)
    for registration in queries.told(event)[0]:
        registration.reminder_sent_at = utcnow()
    db.session.commit()
    changes.edit(event, {"venue": "Hall B"}, staff("secretary"), "Bigger room")
    db.session.commit()
    assert all(r.reminder_sent_at for r in queries.told(event)[0])  # the day did not change
    later = event.starts_at + dt.timedelta(days=1)
    changes.edit(event, {"starts_at": later, "ends_at": later + dt.timedelta(hours=3)},
                 staff("secretary"), "A day later")
    db.session.commit()
    db.session.expire_all()
    assert not any(r.reminder_sent_at for r in queries.told(event)[0])


def test_a_new_venue_inside_the_lead_time_is_no_move(ctx, create_event, outbox):
    event = db.session.get(Event, create_event(starts_at=utcnow() + dt.timedelta(days=3)))
    change = changes.edit(event, {"starts_at": event.starts_at, "venue": "Hall B"},
                          staff("secretary"), "Bigger room")
    assert change.fields == {"venue": ["Town hall, Kuopio", "Hall B"]}
    assert change.override_reason is None
