"""Milestones registration records itself, where the thing happened: the publication, the
recording, its captions and the reminders; and the series' numbers in the lead-time rule."""

import datetime as dt

import pytest

from services.registration import changes, operations, policy
from services.registration.cycle import milestones
from services.registration.cycle.models import MilestoneKey, Series
from services.registration.models import Event, EventKind, EventStatus, Registration, db
from shared.auth import StaffUser
from shared.db import utcnow

K = MilestoneKey


@pytest.fixture
def ctx(app):
    """A request context (English) for calling the operations directly."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def staff(role):
    """A (transient) staff user."""
    return StaffUser(email=f"{role}@hyvinvointialue.example", name="Staff", roles=role)


def series(lead=7, **values):
    """A forum series with ``lead`` days of lead time (committed)."""
    row = Series(slug=f"series-{lead}-{len(values)}", name="Sarja", publish_lead_days=lead,
                 comment_window_days=values.pop("comments", 7), working_body="Työryhmä",
                 **values)
    db.session.add(row)
    db.session.commit()
    return row


def draft(create_event, days=21, **values):
    """A draft forum ``days`` ahead with one agenda item."""
    return db.session.get(Event, create_event(
        status=EventStatus.DRAFT, published_at=None, starts_at=utcnow() + dt.timedelta(days=days),
        agenda=[{"title": "Budget"}], **values))


def test_publishing_schedules_the_milestones_and_records_the_announcement_and_agenda(
        ctx, create_event):
    event = draft(create_event)
    now = utcnow()
    operations.publish(event, staff("secretary"), now=now)
    rows = milestones.by_key(event)
    assert set(rows) == set(MilestoneKey)
    assert rows[K.AGENDA].done_at == now and rows[K.AGENDA].done_by == "secretary@hyvinvointialue.example"
    assert rows[K.AGENDA].evidence["items"] == 1
    assert rows[K.ANNOUNCEMENT].done_at == now
    assert rows[K.AGENDA].due_at == event.starts_at - dt.timedelta(days=7)
    # nothing else is done because its date is known
    assert all(rows[k].done_at is None for k in set(MilestoneKey) - {K.AGENDA, K.ANNOUNCEMENT})
    assert rows[K.RECORDING_CAPTIONED].due_at is None


def test_the_series_lead_time_rules_its_forums(ctx, create_event):
    slow = series(lead=10)
    event = draft(create_event, days=8, series_id=slow.id)
    with pytest.raises(policy.PolicyViolation) as refused:
        operations.publish(event, staff("secretary"))
    assert str(refused.value) == "lead time" and "10 days" in str(refused.value.message)
    assert event.status == EventStatus.DRAFT
    operations.publish(event, staff("admin"), override_reason="Urgent budget question")
    agenda = milestones.by_key(event)[K.AGENDA]
    assert agenda.evidence["override_reason"] == "Urgent budget question"
    assert agenda.due_at == event.starts_at - dt.timedelta(days=10)
    # the defaults still apply to a forum without a series
    assert not policy.is_late(utcnow() + dt.timedelta(days=8))


def test_the_recording_and_its_captions_are_recorded_once_with_the_first_time(ctx, create_event):
    started = utcnow() - dt.timedelta(days=3)
    event = db.session.get(Event, create_event(starts_at=started, agenda=[{"title": "Budget"}]))
    milestones.schedule(event)
    first = utcnow()
    operations.publish_recording(event, "https://video.example/1", now=first, user=staff("secretary"))
    operations.publish_recording(event, "https://video.example/2", now=first + dt.timedelta(days=1))
    rows = milestones.by_key(event)
    recording = rows[K.RECORDING_PUBLISHED]
    assert recording.done_at == first and recording.evidence["url"] == "https://video.example/1"
    assert recording.evidence["again"][0]["url"] == "https://video.example/2"
    assert rows[K.RECORDING_CAPTIONED].due_at == first + dt.timedelta(days=14)
    assert rows[K.RECORDING_EXPIRED].due_at == first + dt.timedelta(days=14)
    operations.upload_captions(event, b"WEBVTT\n\n00:00.000 --> 00:01.000\nHei\n", staff("secretary"),
                               now=first + dt.timedelta(days=2))
    assert rows[K.RECORDING_CAPTIONED].done_at == first + dt.timedelta(days=2)


def test_reminders_are_recorded_with_their_count_even_with_nobody_to_remind(ctx, create_event):
    now = utcnow()
    empty = db.session.get(Event, create_event(starts_at=now + dt.timedelta(hours=5)))
    milestones.schedule(empty)
    db.session.commit()
    operations.send_due_reminders(now)
    reminder = milestones.by_key(empty)[K.REMINDER]
    assert reminder.done_at == now and reminder.evidence == {"reminded": 0}
    assert milestones.state(reminder, empty.status, now) == "done"


def test_moving_a_forum_reopens_its_reminder_and_moves_its_dates(ctx, create_event):
    now = utcnow()
    event = db.session.get(Event, create_event(starts_at=now + dt.timedelta(hours=5),
                                               agenda=[{"title": "Budget"}]))
    milestones.schedule(event)
    operations.send_due_reminders(now)
    assert milestones.by_key(event)[K.REMINDER].done_at == now
    later = now + dt.timedelta(days=30)
    changes.edit(event, {"starts_at": later, "ends_at": later + dt.timedelta(hours=2)},
                 staff("secretary"), reason="The hall is taken")
    rows = milestones.by_key(event)
    assert rows[K.REMINDER].done_at is None and rows[K.REMINDER].evidence["before"]["reminded"] == 0
    assert rows[K.COMMENTS_CLOSE].due_at == later + dt.timedelta(hours=2, days=7)
    assert db.session.query(Registration).count() == 0


def test_a_forum_made_targeted_loses_its_public_milestones_but_keeps_what_happened(
        ctx, create_event):
    event = draft(create_event)
    operations.publish(event, staff("secretary"))
    changes.edit(event, {"kind": EventKind.TARGETED}, staff("secretary"), reason="A single procurement")
    assert set(milestones.by_key(event)) == {K.ANNOUNCEMENT, K.AGENDA}


def test_a_state_is_late_only_past_due_without_evidence(ctx, create_event):
    event = draft(create_event)
    operations.publish(event, staff("secretary"))
    rows = milestones.by_key(event)
    close = rows[K.COMMENTS_CLOSE]
    assert milestones.state(close, event.status, close.due_at - dt.timedelta(days=10)) == "open"
    assert milestones.state(close, event.status, close.due_at - dt.timedelta(days=1)) == "due"
    assert milestones.state(close, event.status, close.due_at + dt.timedelta(seconds=1)) == "late"
    assert milestones.state(close, EventStatus.CANCELLED, close.due_at) == "cancelled"


def test_a_moved_due_date_is_notified_again(ctx, create_event):
    event = draft(create_event)
    operations.publish(event, staff("secretary"))
    rows = milestones.by_key(event)
    stamped = utcnow()
    for row in rows.values():
        row.due_notified_at = row.late_notified_at = stamped
    milestones.schedule(event)  # nothing moved: the notices stand
    assert rows[K.COMMENTS_CLOSE].due_notified_at == stamped
    later = event.starts_at + dt.timedelta(days=14)
    changes.edit(event, {"starts_at": later, "ends_at": later + dt.timedelta(hours=2)},
                 staff("secretary"), reason="Moved to the council's week")
    assert rows[K.COMMENTS_CLOSE].due_notified_at is None
    assert rows[K.COMMENTS_CLOSE].late_notified_at is None
