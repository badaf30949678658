"""Helpers of the moderation tests: a moderator stand-in, rows by id, decisions stored."""

from types import SimpleNamespace

import sqlalchemy as sa

from services.feedback.models import Comment, ModerationDecision, Report, db

MODERATOR = SimpleNamespace(id=7, email="moderaattori@example.fi")


def comment(app, comment_id):
    """The stored comment, read fresh."""
    with app.app_context():
        return db.session.get(Comment, comment_id)


def decisions(app):
    """Every stored decision as (comment id, action, reason, moderator email), in id order."""
    with app.app_context():
        rows = db.session.scalars(sa.select(ModerationDecision).order_by(ModerationDecision.id))
        return [(d.comment_id, d.action.value, d.reason, d.moderator_email) for d in rows]


def add_report(app, comment_id, reason="spam", details="", **values):
    """A report stored directly; returns its id."""
    with app.app_context():
        report = Report(comment_id=comment_id, reason=reason, details=details, **values)
        db.session.add(report)
        db.session.commit()
        return report.id


def open_reports(app, comment_id):
    """How many of the comment's reports are still open."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Report.id)).where(
            Report.comment_id == comment_id, Report.resolved_at.is_(None)))
