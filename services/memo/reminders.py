"""Reminders of an open review round to the members who have not answered it.

A member is reminded once per round, when ``MEMO_REMINDER_WORKING_DAYS`` working days (Finnish
holidays and weekends off, :mod:`shared.workdays`) have passed since the round opened. The
reminder row and the email's outbox message are written in one transaction, and the row's
unique (round, member) pair keeps a second one out. Flush only.
"""

import sqlalchemy as sa
from flask import current_app

from services.memo import emails, group
from services.memo.models import CouncilTerm, Memo, ReviewReminder, ReviewRound, RoundOutcome, db
from shared.db import utcnow
from shared.workdays import working_days_between


def _overdue_rounds(now):
    """Open rounds that have waited at least the set number of working days."""
    days = current_app.config["MEMO_REMINDER_WORKING_DAYS"]
    rounds = db.session.scalars(sa.select(ReviewRound).where(
        ReviewRound.outcome == RoundOutcome.OPEN).order_by(ReviewRound.id)).all()
    return [r for r in rounds if working_days_between(r.opened_at, now) >= days]


def _unreminded(review_round):
    """The round's active members who have neither answered nor been reminded."""
    answered = {s.member_id for s in review_round.sign_offs}
    reminded = set(db.session.scalars(sa.select(ReviewReminder.member_id).where(
        ReviewReminder.round_id == review_round.id)))
    members = group.active_members(db.session.get(CouncilTerm, review_round.term_id))
    return [m for m in members if m.id not in answered and m.id not in reminded]


def send_due(now=None):
    """Remind every member whose answer is overdue, once per round; returns how many were."""
    now = now or utcnow()
    sent = 0
    for review_round in _overdue_rounds(now):
        members = _unreminded(review_round)
        memo = db.session.get(Memo, review_round.memo_id)
        for member in members:
            db.session.add(ReviewReminder(round_id=review_round.id, member_id=member.id,
                                          sent_at=now))
        emails.review_reminder(memo, review_round.version, members)
        sent += len(members)
    db.session.flush()
    return sent
