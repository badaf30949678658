"""The milestone consumer: each other service's message records its forum's milestone, once.

The receiving tasks are called as the worker calls them (with the dumped payload); a redelivery
changes nothing, a message about an unknown event or a targeted session changes nothing, and the
memo counts as delivered only once every recipient of its publication has a ``sent`` copy.
"""

import datetime as dt
import threading

import pytest
import sqlalchemy as sa
from marshmallow import ValidationError

from services.registration import tasks as registration_tasks
from services.registration.cycle import evidence, tasks
from services.registration.cycle.models import Milestone, MilestoneKey
from services.registration.models import Event, EventKind, db
from shared.contracts import ROUTES, SCHEMAS, events
from shared.db import dispose_engines, utcnow
from tests.contracts.memo_published import memo_published
from tests.registration.builders import add_event
from tests.registration.cycle import payloads

K = MilestoneKey
RECIPIENTS = [{"email": "board@county.example", "name": "Board", "kind": "board"},
              {"email": "Hallitus@County.example", "kind": "regional_government"}]


def milestone(app, event_id, key):
    """(done_at, done_by, source, evidence) of the forum's milestone, or None without a row."""
    with app.app_context():
        row = db.session.scalar(sa.select(Milestone).where(Milestone.event_id == event_id,
                                                           Milestone.key == key))
        return None if row is None else (row.done_at, row.done_by, row.source, row.evidence)


def milestone_rows(app):
    """How many milestone rows exist."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Milestone.id)))


@pytest.fixture
def forum(app):
    """A held forum's id (ended a week ago)."""
    starts = utcnow() - dt.timedelta(days=7)
    return add_event(app, starts_at=starts)


def test_every_milestone_topic_reaches_its_registration_task():
    for topic, name in [(events.FEEDBACK_WINDOW_OPENED, tasks.FROM_WINDOW_OPENED),
                        (events.FEEDBACK_WINDOW_CLOSED, tasks.FROM_WINDOW_CLOSED),
                        (events.MEMO_DRAFTED, tasks.FROM_MEMO_DRAFTED),
                        (events.MEMO_APPROVED, tasks.FROM_MEMO_APPROVED),
                        (events.MEMO_PUBLISHED, tasks.FROM_MEMO_PUBLISHED),
                        (events.MEMO_DELIVERED, tasks.FROM_MEMO_DELIVERED),
                        (events.NEWSLETTER_SENT, tasks.FROM_NEWSLETTER_SENT)]:
        assert name in ROUTES[topic]
        assert name in registration_tasks.celery_app.tasks
    assert registration_tasks.LINK_MEMO in ROUTES[events.MEMO_PUBLISHED]  # still there


def test_the_windows_opening_records_comments_open_once(app, forum):
    opened = utcnow() - dt.timedelta(days=7)
    payload = payloads.window_opened(forum, opened, topics=3)
    assert tasks.milestone_from_window_opened(payload) == forum
    assert tasks.milestone_from_window_opened(payload) is None  # a redelivery is skipped
    done_at, by, source, facts = milestone(app, forum, K.COMMENTS_OPEN)
    assert (done_at, by, source) == (opened, "feedback", "feedback.window_opened")
    assert facts == {"opened_at": opened.isoformat(), "topics": 3}


def test_the_windows_closing_records_comments_close_with_the_approved_comments(app, forum):
    closed = utcnow() - dt.timedelta(hours=2)
    assert tasks.milestone_from_window_closed(payloads.window_closed(forum, closed)) == forum
    done_at, _by, source, facts = milestone(app, forum, K.COMMENTS_CLOSE)
    assert (done_at, source) == (closed, "feedback.window_closed")
    assert facts == {"closed_at": closed.isoformat(), "topics": 2, "approved_comments": 5}


def test_a_reopened_window_closing_again_keeps_the_first_close(app, forum):
    first, second = utcnow() - dt.timedelta(days=2), utcnow() - dt.timedelta(hours=1)
    tasks.milestone_from_window_closed(payloads.window_closed(forum, first))
    tasks.milestone_from_window_closed(payloads.window_closed(forum, second, approved=(4,)))
    done_at, _by, _source, facts = milestone(app, forum, K.COMMENTS_CLOSE)
    assert done_at == first and facts["approved_comments"] == 5
    assert [again["approved_comments"] for again in facts["again"]] == [4]


def test_the_memo_drafted_and_approved_record_their_milestones(app, forum):
    drafted, approved = payloads.memo_drafted(forum), payloads.memo_approved(forum)
    assert tasks.milestone_from_memo_drafted(drafted) == forum
    assert tasks.milestone_from_memo_approved(approved) == forum
    assert tasks.milestone_from_memo_approved(approved) is None
    _at, by, source, facts = milestone(app, forum, K.MEMO_DRAFTED)
    assert (by, source) == ("memo", "memo.drafted")
    assert facts == {"memo_id": 3, "url": "http://localhost/memo/staff/memos/3", "comments": 5}
    _at, _by, source, facts = milestone(app, forum, K.MEMO_REVIEWED)
    assert source == "memo.approved" and facts == {"memo_id": 3, "version": 2, "approvals": 4}


def test_the_memo_published_records_its_address_and_recipients_beside_the_link(app, forum):
    payload = memo_published(event_id=forum, recipients=RECIPIENTS)
    assert tasks.milestone_from_memo_published(payload) == forum
    # the other receiver of the same message in registration is not taken for a redelivery
    assert registration_tasks.link_memo(payload) == forum
    assert tasks.milestone_from_memo_published(payload) is None
    done_at, _by, source, facts = milestone(app, forum, K.MEMO_PUBLISHED)
    assert source == "memo.published" and done_at.isoformat() == payload["published_at"]
    assert facts["url"] == "http://localhost/memo/memos/3"
    assert [r["email"] for r in facts["recipients"]] == ["board@county.example",
                                                          "hallitus@county.example"]
    with app.app_context():
        assert db.session.get(Event, forum).memo_url == "http://localhost/memo/memos/3"


def test_the_memo_is_delivered_only_once_every_recipient_has_a_sent_copy(app, forum):
    tasks.milestone_from_memo_published(memo_published(event_id=forum, recipients=RECIPIENTS))
    assert tasks.milestone_from_memo_delivered(payloads.memo_delivered(
        "board@county.example")) == forum
    failed = payloads.memo_delivered("hallitus@county.example", "failed", error="550 no such user")
    assert tasks.milestone_from_memo_delivered(failed) == forum
    done_at, _by, _source, facts = milestone(app, forum, K.MEMO_DELIVERED)
    assert done_at is None  # one recipient failed: not delivered
    assert facts["publications"]["4"]["sent"] == ["board@county.example"]
    assert facts["publications"]["4"]["failed"] == [
        {"email": "hallitus@county.example", "error": "550 no such user"}]

    retried = payloads.memo_delivered("HALLITUS@county.example")
    assert tasks.milestone_from_memo_delivered(retried) == forum
    assert tasks.milestone_from_memo_delivered(retried) is None  # a redelivery is skipped
    done_at, by, source, facts = milestone(app, forum, K.MEMO_DELIVERED)
    assert done_at is not None and (by, source) == ("notify", "memo.delivered")
    assert facts == {"memo_id": 3, "publication_id": 4, "failed": [],
                     "recipients": ["board@county.example", "hallitus@county.example"],
                     "sent": ["board@county.example", "hallitus@county.example"]}
    # a later copy of the memo (a resend) changes nothing
    assert tasks.milestone_from_memo_delivered(payloads.memo_delivered(
        "board@county.example")) is None
    assert milestone(app, forum, K.MEMO_DELIVERED)[0] == done_at


def test_a_delivery_before_its_publication_is_known_is_tried_again(app, forum, caplog):
    payload = payloads.memo_delivered("board@county.example", memo_id=77, publication_id=78)
    with pytest.raises(evidence.PublicationUnknown):  # a worker's retry; here, called directly
        tasks.milestone_from_memo_delivered(payload)
    # run eagerly, every retry follows at once; after the last one the delivery is dropped
    with caplog.at_level("WARNING"):
        run = tasks.milestone_from_memo_delivered.apply(args=[payload])
    assert (run.state, run.result) == ("SUCCESS", None)
    assert "dropped a delivery of an unknown publication" in caplog.text
    with app.app_context(), pytest.raises(evidence.PublicationUnknown):
        evidence.memo_delivered(SCHEMAS[events.MEMO_DELIVERED]().load(payload))
    assert milestone(app, forum, K.MEMO_DELIVERED) is None
    # once the publication is recorded, the same message counts
    tasks.milestone_from_memo_published(memo_published(
        event_id=forum, memo_id=77, publication_id=78, recipients=RECIPIENTS[:1]))
    assert tasks.milestone_from_memo_delivered(payload) == forum
    assert milestone(app, forum, K.MEMO_DELIVERED)[0] is not None


def test_a_newsletter_records_each_forum_it_announced(app, forum):
    other = add_event(app, title="Spring forum")
    finished = utcnow() - dt.timedelta(minutes=3)
    payload = payloads.newsletter_sent([forum, 999, other], finished_at=finished)
    assert tasks.milestone_from_newsletter_sent(payload) == [forum, other]
    assert tasks.milestone_from_newsletter_sent(payload) is None
    for event_id in (forum, other):
        done_at, by, source, facts = milestone(app, event_id, K.NEWSLETTER)
        assert (done_at, by, source) == (finished, "notify", "notify.newsletter_sent")
        assert facts == {"campaign_id": 8, "subject": "Syksyn foorumi", "recipients": 120}


@pytest.mark.parametrize(("task", "payload"), [
    (tasks.milestone_from_window_opened, payloads.window_opened(999, utcnow())),
    (tasks.milestone_from_window_closed, payloads.window_closed(999, utcnow())),
    (tasks.milestone_from_memo_drafted, payloads.memo_drafted(999)),
    (tasks.milestone_from_memo_approved, payloads.memo_approved(999)),
    (tasks.milestone_from_memo_published, memo_published(event_id=999, recipients=RECIPIENTS)),
    (tasks.milestone_from_newsletter_sent, payloads.newsletter_sent([999])),
], ids=["window_opened", "window_closed", "memo_drafted", "memo_approved", "memo_published",
        "newsletter_sent"])
def test_a_message_about_an_unknown_event_changes_nothing(app, forum, task, payload):
    assert task(payload) in (None, [])
    assert milestone_rows(app) == 0


def test_a_targeted_session_has_no_milestones_to_record(app):
    session = add_event(app, kind=EventKind.TARGETED)
    assert tasks.milestone_from_memo_drafted(payloads.memo_drafted(session)) is None
    assert tasks.milestone_from_window_opened(payloads.window_opened(session, utcnow())) is None
    assert milestone_rows(app) == 0


def test_a_payload_that_breaks_the_contract_changes_nothing(app, forum):
    bad = {**payloads.memo_approved(forum), "version": "second"}
    with pytest.raises(ValidationError):
        tasks.milestone_from_memo_approved(bad)
    with pytest.raises(ValidationError):
        tasks.milestone_from_memo_approved({**payloads.memo_approved(forum),
                                            "message_id": "not-a-uuid"})
    assert milestone_rows(app) == 0


def test_deliveries_reported_at_once_are_all_kept(app, forum):
    recipients = [{"email": f"board{n}@county.example", "kind": "board"} for n in range(6)]
    tasks.milestone_from_memo_published(memo_published(event_id=forum, recipients=recipients))
    dispose_engines()  # each thread takes a connection of its own
    barrier, errors = threading.Barrier(len(recipients)), []

    def deliver(email):
        try:
            barrier.wait(timeout=30)
            tasks.milestone_from_memo_delivered(payloads.memo_delivered(email))
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=deliver, args=(r["email"],)) for r in recipients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    done_at, _by, _source, facts = milestone(app, forum, K.MEMO_DELIVERED)
    assert done_at is not None  # no delivery was lost to another's write
    assert facts["sent"] == sorted(r["email"] for r in recipients)
