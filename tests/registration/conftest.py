"""Fixtures of the registration service's tests: the app, a client, events, outbox messages."""

import datetime as dt

import pytest
import sqlalchemy as sa

from services.registration.models import (
    AgendaItem,
    Event,
    EventKind,
    EventStatus,
    Material,
    OutboxMessage,
    Question,
    Registration,
    Theme,
    db,
)
from shared.db import utcnow

JOIN_URL = "https://meet.example.fi/j/secret-room"
PRESENTER_EMAIL = "presenter@hyvinvointialue.example"


@pytest.fixture
def app(make_app):
    """The registration service on the test databases."""
    return make_app("registration")


@pytest.fixture
def client(app):
    """A test client of the registration service."""
    return app.test_client()


def build_event(questions=(), agenda=(), **values):
    """An Event with sensible defaults: a published forum in 30 days with 10 on-site seats."""
    now = utcnow()
    starts = values.pop("starts_at", now + dt.timedelta(days=30))
    defaults = {
        "kind": EventKind.FORUM, "title": "Provider forum", "description": "About the budget.",
        "theme": Theme.BUDGET, "starts_at": starts, "ends_at": starts + dt.timedelta(hours=3),
        "venue": "Town hall, Kuopio", "onsite_capacity": 10, "remote_join_url": JOIN_URL,
        "status": EventStatus.PUBLISHED, "published_at": now - dt.timedelta(days=1),
    }
    event = Event(**{**defaults, **values})
    event.questions = [Question(position=i, **q) for i, q in enumerate(questions, 1)]
    event.agenda_items = [_agenda_item(i, item) for i, item in enumerate(agenda, 1)]
    return event


def _agenda_item(position, values):
    """An AgendaItem; ``values["materials"]`` are (filename, content_type, bytes)."""
    values = dict(values)
    materials = values.pop("materials", ())
    item = AgendaItem(position=position, presenter_email=PRESENTER_EMAIL, **values)
    item.materials = [Material(filename=f, content_type=t, size=len(d), data=d)
                      for f, t, d in materials]
    return item


@pytest.fixture
def create_event(app):
    """Create an event (committed) and return its id: ``create_event(onsite_capacity=2)``."""

    def create(**values):
        with app.app_context():
            event = build_event(**values)
            db.session.add(event)
            db.session.commit()
            return event.id

    return create


@pytest.fixture
def outbox(app):
    """The payloads in the outbox: ``outbox()`` all, ``outbox("notify.send_email")`` one topic."""

    def read(topic=None):
        with app.app_context():
            query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
            if topic:
                query = query.where(OutboxMessage.topic == topic)
            return [row.payload for row in db.session.scalars(query)]

    return read


@pytest.fixture
def count_rows(app):
    """(registrations, outbox messages) now in the database: bad input must change neither."""

    def count():
        with app.app_context():
            return (db.session.scalar(sa.select(sa.func.count(Registration.id))),
                    db.session.scalar(sa.select(sa.func.count(OutboxMessage.id))))

    return count
