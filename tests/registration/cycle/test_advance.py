"""Beat moves the forums through their cycle, at a frozen time (time-machine).

A forum that ended is held with its attendance, registration closes with its counts by mode, a
recording expires after its series' viewing days; the responsible role's staff get one email when
a milestone falls due and one when it is late, in the suite's language (Finnish), and two runs at
once send nobody a second copy. Cancelled forums and targeted sessions are left alone.
"""

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
import time_machine

from services.registration.cycle import advance, milestones, tasks
from services.registration.cycle.models import Milestone, MilestoneKey, Series
from services.registration.models import (
    AttendanceMode,
    Event,
    EventKind,
    EventStatus,
    RegistrationStatus,
    db,
)
from shared.auth import Role, accounts_db
from shared.auth.models import StaffUser
from shared.db import dispose_engines
from shared.mail import render_email
from shared.testing.fixtures import create_staff
from tests.registration.builders import add_registration

K = MilestoneKey
NOW = dt.datetime(2027, 3, 15, 10, 0, tzinfo=dt.UTC)
DAY = dt.timedelta(days=1)


def add_forum(app, starts_at, series=None, **fields):
    """A published forum (3 hours long) with its milestones scheduled; returns its id."""
    values = {"kind": EventKind.FORUM, "title": "Budget forum <b>", "starts_at": starts_at,
              "ends_at": starts_at + dt.timedelta(hours=3), "venue": "City hall",
              "onsite_capacity": 10, "status": EventStatus.PUBLISHED,
              "published_at": starts_at - 20 * DAY}
    with app.app_context():
        event = Event(**{**values, **fields})
        if series:
            event.series = db.session.scalar(sa.select(Series).filter_by(slug=series)) or Series(
                slug=series, name=series, recording_visible_days=int(series.split("-")[1]))
        db.session.add(event)
        db.session.flush()
        milestones.schedule(event)
        db.session.commit()
        return event.id


def tick(app, at):
    """Run beat's task at ``at`` (frozen); returns its counts."""
    with time_machine.travel(at, tick=False), app.app_context():
        return tasks.advance_cycle()


def milestone(app, event_id, key):
    """(done_at, evidence) of the forum's milestone, or None without a row."""
    with app.app_context():
        row = db.session.scalar(sa.select(Milestone).where(Milestone.event_id == event_id,
                                                           Milestone.key == key))
        return None if row is None else (row.done_at, row.evidence)


def status(app, event_id):
    """The event's status now."""
    with app.app_context():
        return db.session.get(Event, event_id).status


def notices(outbox):
    """[(recipient, template, milestone key, locale)] of the milestone emails, sorted."""
    return sorted((p["to"], p["template"], p["context"]["milestone"], p["locale"])
                  for p in outbox("notify.send_email")
                  if p["template"] in ("milestone_due", "milestone_late"))


def test_an_ended_forum_is_held_with_its_attendance_and_its_registration_closed(app):
    starts = NOW - dt.timedelta(hours=4)
    forum = add_forum(app, starts)
    for n, mode, state, came in [(1, AttendanceMode.ONSITE, RegistrationStatus.CONFIRMED, True),
                                 (2, AttendanceMode.ONSITE, RegistrationStatus.CONFIRMED, False),
                                 (3, AttendanceMode.REMOTE, RegistrationStatus.CONFIRMED, False),
                                 (4, AttendanceMode.ONSITE, RegistrationStatus.WAITLISTED, False),
                                 (5, AttendanceMode.ONSITE, RegistrationStatus.CANCELLED, False)]:
        add_registration(app, forum, email=f"r{n}@example.fi", attendance_mode=mode, status=state,
                         checked_in_at=starts if came else None)
    upcoming = add_forum(app, NOW + 2 * DAY)
    assert tick(app, NOW)["held"] == 1
    assert status(app, forum) == EventStatus.HELD
    assert milestone(app, forum, K.EVENT) == (starts + dt.timedelta(hours=3),
                                              {"registered": 3, "checked_in": 1})
    assert milestone(app, forum, K.REGISTRATION_CLOSES) == (starts, {
        "onsite_confirmed": 2, "onsite_waitlisted": 1, "remote_registered": 1})
    assert status(app, upcoming) == EventStatus.PUBLISHED
    assert milestone(app, upcoming, K.REGISTRATION_CLOSES)[0] is None
    assert tick(app, NOW + dt.timedelta(hours=1)) == {
        "registration_closed": 0, "held": 0, "recording_expired": 0, "notices": 0}


def test_registration_closes_at_its_own_close_time_before_the_forum(app):
    closes = NOW - dt.timedelta(hours=1)
    forum = add_forum(app, NOW + 2 * DAY, registration_closes_at=closes)
    assert tick(app, NOW)["registration_closed"] == 1
    assert milestone(app, forum, K.REGISTRATION_CLOSES)[0] == closes
    assert status(app, forum) == EventStatus.PUBLISHED


def test_cancelled_forums_and_targeted_sessions_are_left_alone(app):
    cancelled = add_forum(app, NOW - 2 * DAY, status=EventStatus.CANCELLED)
    targeted = add_forum(app, NOW - 2 * DAY, kind=EventKind.TARGETED)
    create_staff(app, Role.SECRETARY)
    assert tick(app, NOW) == {"registration_closed": 0, "held": 0, "recording_expired": 0,
                              "notices": 0}
    assert status(app, cancelled) == EventStatus.CANCELLED
    assert status(app, targeted) == EventStatus.PUBLISHED
    assert milestone(app, cancelled, K.EVENT)[0] is None
    assert milestone(app, targeted, K.EVENT) is None  # a targeted session has no milestones


def test_the_recording_expires_after_its_series_viewing_days(app):
    published = NOW - 15 * DAY
    fourteen = add_forum(app, NOW - 20 * DAY, series="days-14", recording_url="https://v.example/1",
                         recording_published_at=published)
    thirty = add_forum(app, NOW - 20 * DAY, series="days-30", recording_url="https://v.example/2",
                       recording_published_at=published)
    without = add_forum(app, NOW - 20 * DAY)
    assert tick(app, NOW)["recording_expired"] == 1
    assert milestone(app, fourteen, K.RECORDING_EXPIRED) == (published + 14 * DAY, {
        "recording_published_at": published.isoformat(), "visible_days": 14})
    assert milestone(app, thirty, K.RECORDING_EXPIRED)[0] is None
    assert milestone(app, without, K.RECORDING_EXPIRED)[0] is None
    assert tick(app, published + 30 * DAY)["recording_expired"] == 1
    assert milestone(app, thirty, K.RECORDING_EXPIRED)[0] == published + 30 * DAY


@pytest.fixture
def staff(app):
    """{role: [emails]}: two secretaries, a communications officer, a moderator, an admin and a
    deactivated secretary (the last two are never emailed for a role they do not hold)."""
    people = {role: [create_staff(app, role)[0] for _ in range(n)]
              for role, n in ((Role.SECRETARY, 2), (Role.COMMUNICATIONS, 1), (Role.MODERATOR, 1),
                              (Role.ADMIN, 1))}
    gone, _ = create_staff(app, Role.SECRETARY)
    with app.app_context():
        accounts_db.session.scalar(sa.select(StaffUser).filter_by(email=gone)).active = False
        accounts_db.session.commit()
    return people


@pytest.fixture
def announced_forum(app):
    """A forum 9 days ahead announced on the website; its agenda and newsletter fall due in 2."""
    forum = add_forum(app, NOW + 9 * DAY)
    with app.app_context():
        milestones.record(db.session.get(Event, forum), K.ANNOUNCEMENT, at=NOW - DAY)
        db.session.commit()
    return forum


def test_the_responsible_role_is_told_once_that_a_milestone_falls_due_and_once_it_is_late(
        app, staff, announced_forum, outbox):
    add_forum(app, NOW - 100 * DAY)  # late for months before the clock saw it: not mailed
    add_forum(app, NOW + 9 * DAY, status=EventStatus.CANCELLED)
    add_forum(app, NOW + 9 * DAY, kind=EventKind.TARGETED)
    secretaries, [officer] = staff[Role.SECRETARY], staff[Role.COMMUNICATIONS]
    assert tick(app, NOW - 2 * DAY)["notices"] == 0  # falls due in 4 days: not yet
    assert tick(app, NOW)["notices"] == 3
    due = sorted([(s, "milestone_due", "agenda", "fi") for s in secretaries]
                 + [(officer, "milestone_due", "newsletter", "fi")])
    assert notices(outbox) == due
    assert tick(app, NOW + DAY)["notices"] == 0  # told already
    assert tick(app, NOW + 2 * DAY + dt.timedelta(minutes=5))["notices"] == 3
    late = sorted([(s, "milestone_late", "agenda", "fi") for s in secretaries]
                  + [(officer, "milestone_late", "newsletter", "fi")])
    assert notices(outbox) == sorted(due + late)
    assert tick(app, NOW + 3 * DAY)["notices"] == 0
    with app.app_context():
        row = db.session.scalar(sa.select(Milestone).where(
            Milestone.event_id == announced_forum, Milestone.key == K.AGENDA))
        assert (row.due_notified_at, row.late_notified_at) == (NOW, NOW + 2 * DAY + dt.timedelta(
            minutes=5))


def test_a_milestone_done_in_time_gets_no_late_email(app, staff, announced_forum, outbox):
    tick(app, NOW)
    with app.app_context():
        forum = db.session.get(Event, announced_forum)
        milestones.record(forum, K.AGENDA, at=NOW + DAY)
        milestones.record(forum, K.NEWSLETTER, at=NOW + DAY)
        db.session.commit()
    assert tick(app, NOW + 3 * DAY)["notices"] == 0
    assert {template for _to, template, _key, _locale in notices(outbox)} == {"milestone_due"}


def test_the_email_names_the_forum_the_milestone_its_due_time_and_the_staff_page(
        app, make_app, staff, announced_forum, outbox):
    tick(app, NOW)
    payload = next(p for p in outbox("notify.send_email") if p["context"]["milestone"] == "agenda")
    context = payload["context"]
    assert context["staff_url"] == f"http://localhost/registration/staff/events/{announced_forum}"
    notify_app = make_app("notify")
    with notify_app.app_context():
        subject, text, html = render_email("notify/email/milestone_due", payload["locale"],
                                           **context)
        late_subject, _text, _html = render_email("notify/email/milestone_late", "sv", **context)
    assert subject == "Määräaika lähestyy: Esityslista ja materiaali julkaistu – Budget forum <b>"
    assert "17.3.2027" in text and "12.00" in text  # 10:00 UTC is noon in Helsinki
    assert context["staff_url"] in text and f'href="{context["staff_url"]}"' in html
    assert "Budget forum &lt;b&gt;" in html and "Budget forum <b>" not in html
    assert late_subject.startswith("Försenat: ")


def test_two_runs_at_once_send_each_email_once(app, staff, announced_forum, outbox):
    ended = add_forum(app, NOW - dt.timedelta(hours=4))
    dispose_engines()  # each thread takes a connection of its own
    barrier, results, errors = threading.Barrier(2), [], []

    def run():
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                results.append(advance.advance(NOW))
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported by the test
                db.session.rollback()
                errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    sent = notices(outbox)
    assert len(sent) >= 3 and len(set(sent)) == len(sent)  # the ended forum's are late too
    assert sum(r["notices"] for r in results) == len(sent)
    assert sum(r["held"] for r in results) == 1
    done_at, facts = milestone(app, ended, K.EVENT)
    assert done_at is not None and "again" not in facts
