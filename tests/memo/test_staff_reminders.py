"""Review reminders: members who have not answered after MEMO_REMINDER_WORKING_DAYS working days
get one email per round, through the outbox; the round's age is moved by editing its stored time."""

import datetime as dt

import sqlalchemy as sa

from services.memo import review, tasks
from services.memo.models import ReviewReminder, ReviewRound, db
from shared.celery import celery_app
from shared.contracts import notify
from tests.memo.builders import outbox
from tests.memo.staff import memo_in_review

#: a Monday 09:00 UTC, and the same week's Thursday 09:00 UTC: three working days later
MONDAY = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)


def _open_round_at(when):
    """Move the open round's opening time to ``when``."""
    db.session.execute(sa.update(ReviewRound).values(opened_at=when))
    db.session.commit()


def _reminded():
    """(to, review url) of every reminder email written."""
    return [(p["to"], p["context"]["review_url"]) for p in outbox(notify.SEND_EMAIL)
            if p["template"] == "memo_review_reminder"]


def test_members_who_have_not_answered_are_reminded_once(app):
    memo_id, _secretary, members = memo_in_review(app)
    with app.app_context():
        review.approve(memo_id, members[0])
        db.session.commit()
        _open_round_at(MONDAY)
        assert tasks.reminders.send_due(now=MONDAY + dt.timedelta(days=2, hours=23)) == 0
        assert _reminded() == []
        assert tasks.reminders.send_due(now=MONDAY + dt.timedelta(days=3)) == 2
        db.session.commit()
        url = f"http://localhost/memo/staff/memos/{memo_id}/review"
        assert sorted(_reminded()) == sorted([(members[1].email, url), (members[2].email, url)])
        assert tasks.reminders.send_due(now=MONDAY + dt.timedelta(days=10)) == 0
        db.session.commit()
        assert len(_reminded()) == 2
        assert db.session.query(ReviewReminder).count() == 2


def test_weekends_and_holidays_are_not_working_days(app):
    _memo_id, _secretary, _members = memo_in_review(app)
    with app.app_context():
        # Thursday 3 Dec 2026; Sunday 6 Dec is Independence Day, the weekend in between
        thursday = dt.datetime(2026, 12, 3, 9, tzinfo=dt.UTC)
        _open_round_at(thursday)
        monday = dt.datetime(2026, 12, 7, 9, tzinfo=dt.UTC)  # two working days (Fri, Mon)
        assert tasks.reminders.send_due(now=monday) == 0
        assert tasks.reminders.send_due(now=monday + dt.timedelta(days=1)) == 3


def test_the_periodic_task_sends_and_commits(app):
    _memo_id, _secretary, _members = memo_in_review(app, members=2)
    with app.app_context():
        _open_round_at(dt.datetime(2020, 1, 6, 9, tzinfo=dt.UTC))
        assert tasks.send_review_reminders() == 2
        assert tasks.send_review_reminders() == 0
        db.session.rollback()
        assert len(_reminded()) == 2
    assert celery_app.conf.beat_schedule[tasks.SEND_REVIEW_REMINDERS]["task"] == \
        "memo.send_review_reminders"
