"""Fixtures of the feedback service's tests: the app, clients, forums with topics, the outbox."""

import pytest
import sqlalchemy as sa

from services.feedback.models import Comment, OutboxMessage, Report, Topic, db
from shared.testing.fixtures import login_as
from tests.feedback import builders
from tests.registration.builders import english, fast_passwords  # noqa: F401 - a fixture


@pytest.fixture(autouse=True)
def _fast(fast_passwords):  # noqa: F811 - the fixture imported above
    """Staff logins hash passwords cheaply in these tests."""


@pytest.fixture
def app(make_app):
    """The feedback service on the test databases."""
    return make_app("feedback")


@pytest.fixture
def client(app):
    """A test client of the feedback service."""
    return app.test_client()


@pytest.fixture
def staff_client(app):
    """``staff_client("moderator")``: a client reading English, logged in with those roles."""

    def make(*roles):
        client = english(app)
        login_as(app, client, *roles)
        return client

    return make


@pytest.fixture
def create_forum(app):
    """Announce a forum (``builders.announcement`` arguments); returns its topic ids in order."""

    def create(**values):
        with app.app_context():
            builders.sync(builders.announcement(**values))
            query = sa.select(Topic.id).where(Topic.forum_id == values.get("event_id", 1))
            return db.session.scalars(query.order_by(Topic.position)).all()

    return create


@pytest.fixture
def topic_id(create_forum):
    """The first topic of an open forum (it ended yesterday)."""
    return create_forum()[0]


@pytest.fixture
def create_comment(app):
    """Store a comment in a given state: ``create_comment(topic_id, status=..., body=...)``."""

    def create(topic_id, **values):
        with app.app_context():
            return builders.add_comment(topic_id, **values)

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
    """(comments, reports, outbox messages) now stored: bad input must change none of them."""

    def count():
        with app.app_context():
            return tuple(db.session.scalar(sa.select(sa.func.count(model.id)))
                         for model in (Comment, Report, OutboxMessage))

    return count


@pytest.fixture
def confirm_path(outbox):
    """The path of the newest confirmation link emailed (``/confirm/<token>``)."""

    def path():
        emails = [p for p in outbox("notify.send_email") if p["template"] == "comment_confirm"]
        return emails[-1]["context"]["confirm_url"].removeprefix("http://localhost/feedback")

    return path
