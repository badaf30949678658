"""The feedback demo: comments in every state on the forum whose window is open, made once."""

import datetime as dt
from collections import Counter

import sqlalchemy as sa

from services.feedback import demo, queue
from services.feedback.models import Comment, ModerationDecision, Report, db
from shared.db import utcnow
from shared.testing.fixtures import create_staff
from tests.registration.builders import fast_passwords  # noqa: F401 - a fixture


def seed(app):
    """Run the seed in the app's context and commit."""
    with app.app_context():
        summary = demo.seed()
        db.session.commit()
        return summary


def test_the_demo_fills_the_queues_once(app, create_forum, fast_passwords):  # noqa: F811
    create_staff(app, "moderator")
    create_forum(event_id=1, starts_at=utcnow() + dt.timedelta(days=20))  # not open yet
    create_forum(event_id=2, title="Held forum")
    assert seed(app) == {"comments created": 11}
    assert seed(app) == {}
    with app.app_context():
        statuses = Counter(c.status.value for c in db.session.scalars(sa.select(Comment)))
        assert statuses == {"approved": 3, "pending": 4, "rejected": 1, "unconfirmed": 1,
                            "hidden": 1, "expired": 1}
        assert {c.topic.forum_id for c in db.session.scalars(sa.select(Comment))} == {2}
        assert db.session.scalar(sa.select(sa.func.count(Report.id))) == 1
        assert db.session.scalar(sa.select(sa.func.count(ModerationDecision.id))) == 6
        pending, reported = queue.overdue()
        assert len(pending) == 1 and queue.count_reported() == 1 and reported == []
        flagged = db.session.scalars(sa.select(Comment.personal_data_flag)).all()
        assert "email" in flagged and "henkilotunnus" in flagged


def test_without_an_open_forum_the_demo_makes_nothing(app, create_forum):
    create_forum(starts_at=utcnow() + dt.timedelta(days=20))
    assert seed(app) == {}
