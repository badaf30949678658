"""The moderators' daily digest: due from the configured hour, once a day, only when overdue."""

import datetime as dt

import pytest

from services.feedback import digest
from services.feedback.models import CommentStatus, db
from shared.contracts import SCHEMAS, notify
from shared.mail import render_email
from shared.testing.fixtures import create_staff
from tests.feedback.moderating import add_report
from tests.registration.builders import fast_passwords  # noqa: F401 - a fixture

#: Wednesday 2 December 2026, 10:00 in Helsinki
WEDNESDAY_10 = dt.datetime(2026, 12, 2, 8, 0, tzinfo=dt.UTC)
#: the Wednesday before: five working days earlier
WEEK_AGO = dt.datetime(2026, 11, 25, 8, 0, tzinfo=dt.UTC)



@pytest.fixture
def moderators(app):
    """Two moderators, and staff of other roles who get no digest; returns the moderators."""
    create_staff(app, "secretary")
    create_staff(app, "admin")
    return sorted([create_staff(app, "moderator")[0], create_staff(app, "moderator", "secretary")[0]])


def run(app, now):
    """Run the digest at ``now`` and commit; returns how many emails were written."""
    with app.app_context():
        count = digest.send_due(now)
        db.session.commit()
        return count


def digests(outbox):
    """The digest emails in the outbox, loaded through the contract."""
    loaded = [SCHEMAS[notify.SEND_EMAIL]().load(p) for p in outbox(notify.SEND_EMAIL)]
    return [data for data in loaded if data["template"] == "moderation_digest"]


def test_an_overdue_item_emails_every_moderator_once_a_day(app, moderators, create_forum,
                                                          create_comment, outbox):
    topic = create_forum(starts_at=WEEK_AGO - dt.timedelta(days=2))[0]
    create_comment(topic, status=CommentStatus.PENDING, submitted_at=WEEK_AGO,
                   organisation="Vanha Oy")
    create_comment(topic, status=CommentStatus.PENDING, submitted_at=WEDNESDAY_10)
    assert run(app, WEDNESDAY_10) == 2
    assert run(app, WEDNESDAY_10 + dt.timedelta(hours=5)) == 0
    sent = digests(outbox)
    assert sorted(d["to"] for d in sent) == moderators
    context = sent[0]["context"]
    assert (context["pending_overdue"], context["reported_overdue"], context["working_days"]) == (
        1, 0, 2)
    assert context["oldest"][0]["organisation"] == "Vanha Oy"
    assert context["oldest"][0]["working_days"] == 5
    assert context["queue_url"] == "http://localhost/feedback/staff/moderation"
    assert run(app, WEDNESDAY_10 + dt.timedelta(days=1)) == 2


def test_nothing_is_sent_before_the_hour_or_when_nothing_is_overdue(app, moderators, create_forum,
                                                                  create_comment, outbox):
    topic = create_forum(starts_at=WEEK_AGO - dt.timedelta(days=2))[0]
    create_comment(topic, status=CommentStatus.PENDING, submitted_at=WEDNESDAY_10 - dt.timedelta(
        days=1))
    assert run(app, WEDNESDAY_10) == 0
    old = create_comment(topic, status=CommentStatus.PENDING, submitted_at=WEEK_AGO)
    assert run(app, WEDNESDAY_10 - dt.timedelta(hours=3)) == 0  # 07:00 in Helsinki
    assert digests(outbox) == [] and old


def test_a_long_reported_comment_counts_too(app, moderators, create_forum, create_comment, outbox):
    topic = create_forum(starts_at=WEEK_AGO - dt.timedelta(days=2))[0]
    comment = create_comment(topic)
    add_report(app, comment, "spam", created_at=WEEK_AGO)
    assert run(app, WEDNESDAY_10) == 2
    context = digests(outbox)[0]["context"]
    assert (context["pending_overdue"], context["reported_overdue"]) == (0, 1)
    assert context["oldest"][0]["queue"] == "reported"


@pytest.mark.parametrize("locale, words", [("fi", "Moderointi"), ("sv", "Moderering"),
                                           ("en", "Moderation")])
def test_the_digest_renders_in_each_language(make_app, locale, words):
    context = {"name": "Matti", "pending_overdue": 2, "reported_overdue": 1, "working_days": 2,
               "queue_url": "http://localhost/feedback/staff/moderation",
               "oldest": [{"queue": "pending", "topic_title": "Budjetti <b>", "forum_title": "Syksy",
                           "organisation": "Hoiva Oy", "working_days": 4}]}
    with make_app("notify").app_context():
        subject, text, html = render_email("notify/email/moderation_digest", locale, **context)
    assert "3" in subject and context["queue_url"] in text and context["queue_url"] in html
    assert "Budjetti &lt;b&gt;" in html and "Budjetti <b>" in text
    assert words in subject
