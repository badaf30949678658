"""Every message memo writes loads in its receivers' schemas; memo receives what others send.

The memo is taken from draft to correction through ``services.memo`` operations in an app
context; the payloads are read back from memo's outbox table.
"""

import datetime as dt

import pytest
import sqlalchemy as sa

from services.memo import followups, publishing, review, tasks
from services.memo.models import AgendaItem, FollowUp, Memo, OutboxMessage, db
from shared.auth import Role
from shared.contracts import ROUTES, SCHEMAS, events, notify
from tests.memo.builders import drafted_memo, staff, working_group
from tests.registration.builders import fast_passwords  # noqa: F401 - a fixture
from tests.registration.conftest import build_event


@pytest.fixture
def messages(make_app, fast_passwords):  # noqa: F811 - the fixture imported above
    """The (topic, payload) memo wrote through a whole life, publication and correction."""
    app = make_app("memo")
    with app.app_context():
        secretary = staff(Role.SECRETARY)
        members = working_group(1)
        memo_id = drafted_memo(secretary=secretary)
        for body in (None, "# Corrected\n"):
            if body:
                publishing.correct(memo_id, body, secretary)
            review.submit_for_review(db.session.get(Memo, memo_id), secretary)
            review.approve(memo_id, members[0])
            publishing.publish(memo_id, secretary)
            db.session.commit()
        follow_up = db.session.scalars(sa.select(FollowUp).where(FollowUp.memo_id == memo_id)).first()
        followups.update(follow_up, {"handling_body": "Regional government",
                                     "handled_on": dt.date(2027, 1, 15)}, secretary)
        db.session.commit()
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [(row.topic, row.payload) for row in rows]


def test_every_memo_payload_loads_in_its_receivers_schema(messages):
    topics = {topic for topic, _ in messages}
    assert topics == {notify.SEND_EMAIL, events.MEMO_DRAFTED, events.MEMO_APPROVED,
                      events.MEMO_PUBLISHED, events.MEMO_FOLLOW_UP_UPDATED}
    for topic, payload in messages:
        assert topic in ROUTES
        assert str(SCHEMAS[topic]().load(payload)["message_id"]) == payload["message_id"]
    assert {p["template"] for t, p in messages if t == notify.SEND_EMAIL} == {
        "memo_drafted", "memo_review_requested"}


def test_memo_receives_the_window_closed_and_event_published_topics():
    assert tasks.DRAFT_FROM_FEEDBACK in ROUTES[events.FEEDBACK_WINDOW_CLOSED]
    assert tasks.SYNC_FORUM in ROUTES[events.EVENT_PUBLISHED]
    assert tasks.RECORD_DELIVERY in ROUTES[events.MEMO_DELIVERED]


def test_notify_receives_the_follow_up_updates():
    from services.notify import tasks as notify_tasks

    assert ROUTES[events.MEMO_FOLLOW_UP_UPDATED] == (notify_tasks.SEND_FOLLOW_UP_UPDATE,)


def test_registrations_announcement_brings_the_presenters_email_to_memo(make_app):
    from services.registration import emails
    from services.registration.models import OutboxMessage as RegistrationOutbox
    from services.registration.models import db as registration_db

    registration = make_app("registration")
    with registration.app_context():
        event = build_event(agenda=[{"title": "Budget", "presenter_name": "Kaisa"}])
        registration_db.session.add(event)
        registration_db.session.flush()
        emails.event_published(event)
        registration_db.session.commit()
        payload = registration_db.session.scalars(sa.select(RegistrationOutbox.payload)).one()
    assert payload["agenda"][0]["presenter_email"] == "presenter@hyvinvointialue.example"
    with make_app("memo").app_context():
        tasks.sync_forum(payload)
        item = db.session.scalars(sa.select(AgendaItem)).one()
        assert (item.presenter_name, item.presenter_email) == (
            "Kaisa", "presenter@hyvinvointialue.example")
