"""A forum's year on a simulated clock, through a real worker and beat on Redis.

time-machine drives the clock of the test process, and :mod:`shared.testing.clocked` the same
clock in the ``foorumi worker`` and ``foorumi beat`` subprocesses: the test moves it from the
forum's publication in January through its reminders, its comment windows, its recording and
its captions, to the recording's expiry in March. At each step it waits for what the services do
by themselves (beat's ticks, the outbox relays, the messages between services, the emails on a
real SMTP server) and asserts the milestone, the email and the dashboard check it leads to.

Memo's steps after the draft need people: the test signs the memo off as the working group and
publishes it as the secretary in memo's app; the worker delivers it (the PDF fetched from memo
over HTTP) and registration records the review, the publication and the delivery.
"""

import contextlib
import datetime as dt

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware

from services.feedback.models import Forum
from services.feedback.models import db as feedback_db
from services.memo import publishing, recipients, review
from services.memo.models import Memo
from services.memo.models import db as memo_db
from services.registration import operations
from services.registration.cycle import compliance
from services.registration.cycle.models import Milestone, MilestoneKey
from services.registration.models import AgendaItem, Event, EventStatus
from services.registration.models import db as registration_db
from shared.auth import Role, accounts_db
from shared.auth.accounts import by_email
from shared.testing.clocked import SimulatedClock
from shared.testing.databases import redis_url
from shared.testing.fixtures import create_staff
from shared.testing.waiting import wait_until
from shared.testing.worker import BeatProcess, WorkerProcess
from tests.memo.builders import staff as memo_staff
from tests.memo.builders import working_group
from tests.memo.sources import Services
from tests.registration.builders import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.slow

REDIS_DB = 14
K = MilestoneKey
UTC = dt.UTC
#: the forum: Monday 15 February 2027, 13-16 Helsinki time
STARTS = dt.datetime(2027, 2, 15, 11, 0, tzinfo=UTC)
ENDS = dt.datetime(2027, 2, 15, 14, 0, tzinfo=UTC)
CAPTIONS = b"WEBVTT\n\n00:00.000 --> 00:02.000\nTervetuloa foorumiin.\n"
STEP = 45.0  # each step waits at most this long for what beat and the worker do


def _flush_broker(url):
    """Empty the test's Redis database (a worker of an earlier run may have left messages)."""
    import redis

    redis.Redis.from_url(url).flushdb()


def _milestones(app, event_id):
    """{key: (done_at, source, evidence)} of the forum's milestones, read fresh."""
    with app.app_context():
        rows = registration_db.session.scalars(
            sa.select(Milestone).where(Milestone.event_id == event_id)).all()
        found = {m.key: (m.done_at, m.source, dict(m.evidence or {})) for m in rows}
        registration_db.session.rollback()
        return found


def _done(app, event_id, key):
    return _milestones(app, event_id).get(key, (None,))[0] is not None


def _checks(app, event_id):
    """{rule: state} of the forum's row on the compliance dashboard, now."""
    with app.test_request_context():
        event = registration_db.session.get(Event, event_id)
        return {c.rule: c.state for c in compliance.forum_checks(event)}


def _subjects(smtp, to):
    """The subjects of the emails ``to`` received so far."""
    return [str(m["Subject"]) for m in smtp.recorder.received(to)]


def _wait_email(smtp, to, needle):
    """Wait until ``to`` got an email whose subject contains ``needle``; returns the subjects."""
    wait_until(lambda: any(needle in s for s in _subjects(smtp, to)), timeout=STEP,
               message=f"an email to {to} about {needle!r}")
    return _subjects(smtp, to)


@pytest.fixture
def year(make_app, settings, smtp, tmp_path, fast_passwords):  # noqa: F811 - the fixture above
    """(services, clock, staff emails, settings) with a clocked worker and beat running."""
    broker = redis_url(REDIS_DB)
    _flush_broker(broker)
    fast = {"BROKER_URL": broker, "MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": smtp.port, "DEV_MAILBOX": False, "CYCLE_TICK_SECONDS": 1,
            "REMINDER_TICK_SECONDS": 1, "OUTBOX_RELAY_INTERVAL": 1, "BEAT_MAX_LOOP_SECONDS": 1,
            "PUBLISH_IMMEDIATELY": True, "DEFAULT_LOCALE": "en"}

    def on_broker(service, **overrides):
        return make_app(service, **fast, **overrides)

    with contextlib.ExitStack() as stack:
        services = stack.enter_context(Services(on_broker))
        full = {**settings, **fast, "PUBLIC_URL": services.url}
        clock = stack.enter_context(SimulatedClock(
            tmp_path / "clock", dt.datetime(2027, 1, 4, 8, 0, tzinfo=UTC)))
        staff = {role: create_staff(services.registration, role)[0]
                 for role in ("secretary", "communications", "moderator", "working_group")}
        worker = WorkerProcess(full, tmp_path, concurrency=4, clock=clock)
        stack.callback(worker.stop)
        worker.start(timeout=60)
        beat = BeatProcess(full, tmp_path, clock=clock).start()
        stack.callback(beat.stop)
        yield services, clock, staff, on_broker


def _publish_forum(app, secretary_email):
    """A forum on STARTS with one agenda item, published by the secretary; its id."""
    with app.test_request_context():
        secretary = accounts_db.session.merge(by_email(secretary_email))
        event = Event(title="Budget forum 2027", starts_at=STARTS, ends_at=ENDS, venue="Aluetalo",
                      onsite_capacity=10, status=EventStatus.DRAFT)
        event.agenda_items = [AgendaItem(position=1, title="Budget 2027",
                                         presenter_name="Kaisa Kassa",
                                         presenter_email="kaisa@county.example")]
        registration_db.session.add(event)
        registration_db.session.flush()
        operations.publish(event, secretary)
        operations.register(event, {
            "name": "Reija Rekisteröity", "email": "reija@hoiva.example", "organisation": "Hoiva Oy",
            "municipality": "Kuopio", "attendance_mode": "remote",
            "privacy_consent": True}, "en")
        registration_db.session.commit()
        return event.id


def _feedback_forum(app, event_id):
    """feedback's forum row of the event as (window_opened_at, closed), or None."""
    with app.app_context():
        forum = feedback_db.session.get(Forum, event_id)
        found = None if forum is None else (forum.window_opened_at, forum.window_closed_at)
        feedback_db.session.rollback()
        return found


def _memo_of(app, event_id):
    with app.app_context():
        memo = memo_db.session.scalar(sa.select(Memo.id).where(Memo.forum_id == event_id))
        memo_db.session.rollback()
        return memo


def _serve_memo(services, on_broker):
    """memo's app served beside registration and feedback (notify fetches the memo's PDF)."""
    memo_app = on_broker("memo", PUBLIC_URL=services.url)
    services.server.app = DispatcherMiddleware(NotFound(), {
        "/registration": services.registration, "/feedback": services.feedback,
        "/memo": memo_app})
    return memo_app


def _sign_off(memo_app, memo_id):
    """The recipient list, a working group of three, two of whom approve; the memo's secretary."""
    with memo_app.app_context():
        recipients.add({"name": "Social and health board", "email": "board@county.example",
                        "kind": "board"})
        recipients.add({"name": "Regional government", "email": "government@county.example",
                        "kind": "regional_government"})
        members = working_group(3)
        secretary = memo_staff(Role.SECRETARY)
        review.submit_for_review(memo_db.session.get(Memo, memo_id), secretary)
        for user in members[:2]:
            review.approve(memo_id, user)
        memo_db.session.commit()
        return secretary


def test_a_forum_goes_through_its_year_by_itself(year, smtp):
    services, clock, staff, on_broker = year
    registration = services.registration
    event_id = _publish_forum(registration, staff["secretary"])
    found = _milestones(registration, event_id)
    assert found[K.AGENDA][0] == clock.now.replace(microsecond=0) or found[K.AGENDA][0]
    assert _checks(registration, event_id)["agenda"] == "green"
    assert _checks(registration, event_id)["announced"] == "grey"  # the newsletter is weeks away
    wait_until(lambda: _feedback_forum(services.feedback, event_id) is not None, timeout=STEP,
               message="feedback to learn the forum from event.published")

    # three days before the newsletter falls due (a week before the forum): communications told
    clock.move_to(dt.datetime(2027, 2, 6, 8, 0, tzinfo=UTC))
    _wait_email(smtp, staff["communications"], "Budget forum 2027")
    assert _checks(registration, event_id)["announced"] == "amber"
    # no newsletter went out: late, told once more, and red on the dashboard
    clock.move_to(dt.datetime(2027, 2, 8, 12, 0, tzinfo=UTC))
    wait_until(lambda: len(_subjects(smtp, staff["communications"])) >= 2, timeout=STEP,
               message="the late email to communications")
    assert _checks(registration, event_id)["announced"] == "red"

    # the day before: the registrant's reminder, and its milestone with the count
    clock.move_to(dt.datetime(2027, 2, 14, 12, 0, tzinfo=UTC))
    smtp.recorder.wait_for(1, to="reija@hoiva.example", timeout=STEP)  # the confirmation
    wait_until(lambda: _done(registration, event_id, K.REMINDER), timeout=STEP,
               message="the reminder milestone")
    assert _milestones(registration, event_id)[K.REMINDER][2] == {"reminded": 1}
    wait_until(lambda: len(smtp.recorder.received("reija@hoiva.example")) >= 2, timeout=STEP,
               message="the registrant's reminder email")

    # the forum starts: feedback opens its comments and says so
    clock.move_to(STARTS + dt.timedelta(minutes=5))
    wait_until(lambda: _done(registration, event_id, K.COMMENTS_OPEN), timeout=STEP,
               message="comments open, from feedback.window_opened")
    assert _milestones(registration, event_id)[K.COMMENTS_OPEN][1] == "feedback.window_opened"

    # it ends: beat marks it held; the secretary publishes the recording
    clock.move_to(ENDS + dt.timedelta(minutes=5))
    wait_until(lambda: _done(registration, event_id, K.EVENT), timeout=STEP,
               message="the forum marked held")
    with registration.test_request_context():
        event = registration_db.session.get(Event, event_id)
        assert event.status == EventStatus.HELD
        secretary = accounts_db.session.merge(by_email(staff["secretary"]))
        operations.publish_recording(event, "https://video.example/budget-2027", user=secretary)
        registration_db.session.commit()
    assert _checks(registration, event_id)["recording"] in ("grey", "amber")

    # a week later: feedback closes the comments; memo drafts from them
    clock.move_to(ENDS + dt.timedelta(days=7, minutes=10))
    wait_until(lambda: _done(registration, event_id, K.COMMENTS_CLOSE), timeout=STEP,
               message="comments closed, from feedback.window_closed")
    assert _checks(registration, event_id)["comments"] == "green"
    memo_app = _serve_memo(services, on_broker)
    wait_until(lambda: _memo_of(memo_app, event_id) is not None, timeout=STEP,
               message="memo's draft from the closed window")
    wait_until(lambda: _done(registration, event_id, K.MEMO_DRAFTED), timeout=STEP,
               message="the memo drafted milestone, from memo.drafted")
    assert _checks(registration, event_id)["memo_reviewed"] == "grey"

    # the working group signs it off, the secretary publishes it, notify delivers it
    memo_secretary = _sign_off(memo_app, _memo_of(memo_app, event_id))
    wait_until(lambda: _done(registration, event_id, K.MEMO_REVIEWED), timeout=STEP,
               message="the memo reviewed milestone, from memo.approved")
    with memo_app.app_context():
        publishing.publish(_memo_of(memo_app, event_id), memo_secretary)
        memo_db.session.commit()
    for address in ("board@county.example", "government@county.example", "kaisa@county.example"):
        smtp.recorder.wait_for(1, to=address, timeout=STEP)
    wait_until(lambda: _done(registration, event_id, K.MEMO_DELIVERED), timeout=STEP,
               message="the memo delivered milestone, from every memo.delivered")
    checks = _checks(registration, event_id)
    assert (checks["memo_reviewed"], checks["memo_delivered"]) == ("green", "green")

    # three days before the captions' deadline (14 days): amber, and the secretary told
    clock.move_to(ENDS + dt.timedelta(days=11, hours=1))
    assert _checks(registration, event_id)["recording"] == "amber"
    _wait_email(smtp, staff["secretary"], "Budget forum 2027")
    with registration.test_request_context():
        event = registration_db.session.get(Event, event_id)
        secretary = accounts_db.session.merge(by_email(staff["secretary"]))
        operations.upload_captions(event, CAPTIONS, secretary)
        registration_db.session.commit()
    assert _checks(registration, event_id)["recording"] == "green"

    # after the viewing period: beat expires the recording, and the page says so
    clock.move_to(ENDS + dt.timedelta(days=14, minutes=10))
    wait_until(lambda: _done(registration, event_id, K.RECORDING_EXPIRED), timeout=STEP,
               message="the recording expired")
    page = registration.test_client().get(f"/events/{event_id}?lang=en").get_data(as_text=True)
    assert "https://video.example/budget-2027" not in page and "expired" in page
