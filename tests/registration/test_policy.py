"""The lead-time rule and its recorded overrides (services.registration.policy)."""

import datetime as dt

import pytest

from services.registration import changes, policy
from services.registration.models import ChangeAction, Event, EventStatus, db
from shared.auth import StaffUser
from shared.db import utcnow


@pytest.fixture
def ctx(app):
    """A request context (English) for calling the rules directly."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def staff(*roles):
    """A (transient) staff user with ``roles``."""
    return StaffUser(email=f"{roles[0]}@hyvinvointialue.example", name="Staff",
                     roles=",".join(roles))


def soon(create_event, days=3, **values):
    """A published forum ``days`` ahead, with one agenda item."""
    return db.session.get(Event, create_event(
        starts_at=utcnow() + dt.timedelta(days=days), agenda=[{"title": "Budget"}], **values))


def test_lateness_is_measured_against_the_settings(ctx, make_app):
    now = utcnow()
    assert policy.is_late(now + dt.timedelta(days=7, seconds=-1), now)
    assert not policy.is_late(now + dt.timedelta(days=7), now)
    with make_app("registration", POLICY_PUBLISH_LEAD_DAYS=2).app_context():
        assert not policy.is_late(now + dt.timedelta(days=3), now)


def test_a_published_agenda_locks_inside_the_lead_time_only(ctx, create_event):
    assert policy.agenda_locked(soon(create_event))
    assert not policy.agenda_locked(soon(create_event, days=8))
    assert not policy.agenda_locked(soon(create_event, status=EventStatus.DRAFT))
    with pytest.raises(policy.PolicyViolation) as refused:
        policy.require_agenda_change(soon(create_event))
    assert str(refused.value) == "late agenda" and "less than 7 days" in str(refused.value.message)


def test_a_late_publication_override_also_covers_the_agenda(ctx, create_event):
    event = soon(create_event, publish_override_reason="Urgent", publish_override_by="a@x.fi")
    assert policy.has_override(event) and not policy.agenda_locked(event)


def test_only_an_admin_with_a_reason_may_allow_a_late_agenda(ctx, create_event):
    event = soon(create_event)
    for user, reason in ((staff("secretary"), "Urgent"), (staff("admin"), "  "), (None, "x")):
        with pytest.raises(policy.PolicyViolation):
            policy.allow_late_agenda(event, user, reason)
    assert event.changes == [] and policy.agenda_locked(event)

    change = policy.allow_late_agenda(event, staff("admin"), " The board added a matter ")
    db.session.commit()

    assert (change.action, change.reason, change.override_reason, change.changed_by) == (
        ChangeAction.LATE_AGENDA, "The board added a matter", "The board added a matter",
        "admin@hyvinvointialue.example")
    assert not policy.agenda_locked(event)
    with pytest.raises(policy.PolicyViolation):  # a double submit records nothing more
        policy.allow_late_agenda(event, staff("admin"), "Again")
    assert len(event.changes) == 1


def test_an_override_that_is_not_needed_is_refused(ctx, create_event):
    for event in (soon(create_event, days=20), soon(create_event, status=EventStatus.DRAFT)):
        with pytest.raises(policy.PolicyViolation):
            policy.allow_late_agenda(event, staff("admin"), "Just in case")


def test_moving_the_event_again_needs_a_new_override(ctx, create_event):
    event = soon(create_event, days=20, publish_override_reason="Old", publish_override_by="a@x")
    assert policy.has_override(event)
    changes.edit(event, {"starts_at": event.starts_at + dt.timedelta(days=1),
                         "ends_at": event.ends_at + dt.timedelta(days=1)},
                 staff("secretary"), "The hall is booked")
    assert not policy.has_override(event)  # the publication's override was for the old date
    changes.edit(event, {"starts_at": utcnow() + dt.timedelta(days=2),
                         "ends_at": utcnow() + dt.timedelta(days=2, hours=2)},
                 staff("admin"), "Moved to the board's day", "The board meets then")
    assert policy.has_override(event) and not policy.agenda_locked(event)
