"""Every message registration writes loads in its receiver's schema, and notify can render it.

The registrations are made through ``services.registration.operations`` in an app context, as
the pages and the API make them; the payloads are read back from the outbox table.
"""

import datetime as dt
import json

import pytest
import sqlalchemy as sa

from services.registration import changes, operations
from services.registration.models import (
    AgendaItem,
    Event,
    EventKind,
    EventStatus,
    OutboxMessage,
    db,
)
from shared.contracts import ROUTES, SCHEMAS, notify
from shared.db import utcnow
from shared.mail import render_email

JOIN_URL = "https://meet.example/contract-secret"
#: the emails that give a confirmed remote attendee the join link
JOIN_TEMPLATES = ("registration_confirmed", "registration_reminder", "registration_mode_changed",
                  "registration_already_registered", "registration_event_changed")


class Admin:
    """The publishing staff member (publishing with full lead time needs no override)."""

    email = "admin@example.fi"

    def has_role(self, *roles):
        """An admin has every role."""
        return True


def person(n, mode="onsite", newsletter=False):
    """Form data of the n-th registrant."""
    return {"name": f"Person {n}", "email": f"person{n}@example.fi", "organisation": "Hoiva Oy",
            "municipality": "Kuopio", "attendance_mode": mode, "newsletter_opt_in": newsletter}


def new_event(kind=EventKind.FORUM, status=EventStatus.PUBLISHED, capacity=1):
    """An event a month ahead, open for registration."""
    starts = utcnow() + dt.timedelta(days=30)
    event = Event(kind=kind, title="Contract forum <&>", starts_at=starts,
                  ends_at=starts + dt.timedelta(hours=3), venue="Town hall",
                  onsite_capacity=capacity, remote_join_url=JOIN_URL, status=status,
                  published_at=utcnow() - dt.timedelta(hours=1) if status else None)
    db.session.add(event)
    db.session.flush()
    return event


def exercise_every_email():
    """Make registration write each kind of message it has; returns nothing, commits."""
    forum = new_event()
    first, _ = operations.register(forum, person(1), "fi")  # confirmed on-site
    waiting, _ = operations.register(forum, person(2, newsletter=True), "sv")  # waitlisted
    remote, _ = operations.register(forum, person(3, "remote"), "en")
    operations.register(forum, person(3, "remote"), "en")  # already registered
    operations.cancel(first)  # cancelled, and the waiting one is promoted
    operations.change_mode(remote, "onsite")  # mode changed (to the waiting list)
    operations.change_mode(waiting, "remote")  # mode changed to remote, confirmed
    operations.send_due_reminders(now=forum.starts_at - dt.timedelta(hours=12))
    targeted = new_event(kind=EventKind.TARGETED)
    operations.invite(targeted, "guest@example.fi")
    draft = new_event(status=EventStatus.DRAFT)
    draft.published_at = None
    draft.agenda_items.append(AgendaItem(title="Budget", position=1))
    operations.publish(draft, Admin())
    changes.edit(forum, {"venue": "Library hall"}, Admin(), "The town hall is being renovated")
    changes.cancel(targeted, Admin(), "Too few registrations", confirmed=True)
    db.session.commit()


@pytest.fixture
def messages(make_app):
    """The outbox rows registration wrote while exercising every email, in order."""
    app = make_app("registration")
    with app.app_context():
        exercise_every_email()
        rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
        return [(row.topic, row.payload) for row in rows]


def test_every_payload_loads_in_its_receivers_schema(messages):
    assert messages
    for topic, payload in messages:
        assert topic in ROUTES, topic
        loaded = SCHEMAS[topic]().load(payload)
        assert str(loaded["message_id"]) == payload["message_id"]


def test_payloads_are_plain_json_values(messages):
    for _, payload in messages:
        assert json.loads(json.dumps(payload)) == payload


def test_message_ids_are_unique(messages):
    ids = [payload["message_id"] for _, payload in messages]
    assert len(ids) == len(set(ids))


def test_registration_uses_every_email_template(messages):
    used = {p["template"] for topic, p in messages if topic == notify.SEND_EMAIL}
    assert used == {t for t in notify.TEMPLATES if t.startswith("registration_")}


def test_topics_of_a_registration_and_a_publication(messages):
    topics = {topic for topic, _ in messages}
    assert topics == {notify.SEND_EMAIL, notify.REQUEST_SUBSCRIPTION, "event.published",
                      "event.changed", "event.cancelled"}


def test_notify_renders_every_email_registration_sends(messages, make_app):
    notify_app = make_app("notify")
    with notify_app.app_context():
        for topic, payload in messages:
            if topic != notify.SEND_EMAIL:
                continue
            data = SCHEMAS[topic]().load(payload)
            subject, text, html = render_email(f"notify/email/{data['template']}",
                                               data["locale"], **data["context"])
            assert "Contract forum <&>" in subject and "Contract forum <&>" in text
            assert "Contract forum &lt;&amp;&gt;" in html
            remote = data["context"].get("attendance_mode") == "remote"
            confirmed = data["context"].get("status") == "confirmed"
            shows_join = data["template"] in JOIN_TEMPLATES
            assert (JOIN_URL in text) == (remote and confirmed and shows_join), data["template"]
