"""The moderators' decisions: approve, reject, hide, dismiss reports; one at a time or in bulk.

Every decision appends one :class:`ModerationDecision` row (who, when, what, why) in the same
transaction as the change; the table is append-only (the database refuses UPDATE and DELETE, and
no code path here changes a row once written). Approving and rejecting email the author through
the outbox. A decision the comment's state does not allow (approving an approved or rejected
comment, a second click on the same button) raises :class:`NotAllowed` before anything changes;
a bulk decision is all or nothing. Comments are locked while decided (``FOR UPDATE`` on
PostgreSQL), so two moderators never decide the same comment twice. Flush only, never commit.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from services.feedback import emails
from services.feedback.models import (
    Comment,
    CommentStatus,
    ModerationAction,
    ModerationDecision,
    Report,
    db,
)
from shared.db import utcnow
from shared.validators import PlainText

#: the longest reason a moderator may give, in characters
REASON_MAX = 2000
#: the most comments one bulk decision takes
BULK_MAX = 200
#: the actions that need a reason (rejecting tells the author why; hiding is recorded why)
NEEDS_REASON = (ModerationAction.REJECT, ModerationAction.HIDE)

#: why an action is refused, by the comment's status
_REFUSALS = {
    CommentStatus.UNCONFIRMED: _l("The author has not confirmed this comment yet."),
    CommentStatus.EXPIRED: _l("This comment expired before it was confirmed."),
    CommentStatus.APPROVED: _l("This comment has already been approved."),
    CommentStatus.REJECTED: _l("This comment has already been rejected."),
    CommentStatus.HIDDEN: _l("This comment has already been hidden."),
    CommentStatus.PENDING: _l("This comment is waiting for moderation and is not public yet."),
}


class ModerationError(Exception):
    """A decision that was refused; ``message`` says why in the user's language."""

    def __init__(self, message, comment_id=None):
        super().__init__(message)  # a lazy string: read it where a language is chosen
        self.message = message
        self.comment_id = comment_id


class NotAllowed(ModerationError):
    """The comment's state does not allow the action (e.g. it was already decided)."""


class ReasonRequired(ModerationError):
    """Rejecting and hiding need a reason; any reason is at most REASON_MAX characters of text."""


class UnknownComment(ModerationError):
    """No such comment."""


def _allowed(comment, action):
    """Whether ``action`` may be taken on ``comment`` now (reports: ``open_reports`` > 0)."""
    if action in (ModerationAction.APPROVE, ModerationAction.REJECT):
        return comment.status == CommentStatus.PENDING
    if action == ModerationAction.HIDE:
        return comment.status == CommentStatus.APPROVED
    return comment.status == CommentStatus.APPROVED and open_reports(comment.id) > 0


def _refusal(comment, action):
    """The message that says why ``action`` is refused on ``comment``."""
    if action == ModerationAction.DISMISS_REPORTS and comment.status == CommentStatus.APPROVED:
        return _l("This comment has no open reports to dismiss.")
    return _REFUSALS[comment.status]


def clean_reason(action, reason):
    """The stripped reason; raises ReasonRequired when one is needed and missing, too long, or
    has control characters other than newlines and tabs."""
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if action in NEEDS_REASON and not reason:
        raise ReasonRequired(_l("Give a reason."))
    if len(reason) > REASON_MAX:
        raise ReasonRequired(_l("Use at most %(max)s characters.", max=REASON_MAX))
    try:
        return PlainText(multiline=True)(reason)
    except ValidationError as exc:
        raise ReasonRequired(exc.messages[0]) from exc


def open_reports(comment_id):
    """How many reports of the comment are still open."""
    return db.session.scalar(sa.select(sa.func.count(Report.id)).where(
        Report.comment_id == comment_id, Report.resolved_at.is_(None)))


def _locked(comment_ids):
    """The comments by id, locked for the decision (PostgreSQL); raises UnknownComment."""
    query = sa.select(Comment).where(Comment.id.in_(comment_ids)).order_by(Comment.id)
    if db.is_postgresql():
        query = query.with_for_update()
    found = {c.id: c for c in db.session.scalars(query.execution_options(populate_existing=True))}
    missing = [i for i in comment_ids if i not in found]
    if missing:
        raise UnknownComment(_l("There is no comment %(id)s.", id=missing[0]), missing[0])
    return [found[i] for i in comment_ids]


def _resolve_reports(comment, now):
    """Close the comment's open reports."""
    db.session.execute(sa.update(Report).where(
        Report.comment_id == comment.id, Report.resolved_at.is_(None)).values(resolved_at=now))


def _apply(comment, action, reason, now):
    """Change the comment for ``action`` and write the author's email where there is one."""
    if action == ModerationAction.APPROVE:
        comment.status, comment.approved_at, comment.decision_reason = (
            CommentStatus.APPROVED, now, None)
        emails.comment_approved(comment)
    elif action == ModerationAction.REJECT:
        comment.status, comment.decision_reason = CommentStatus.REJECTED, reason
        emails.comment_rejected(comment, reason)
    elif action == ModerationAction.HIDE:
        comment.status, comment.decision_reason = CommentStatus.HIDDEN, reason
        _resolve_reports(comment, now)
    else:
        _resolve_reports(comment, now)


def decide_many(comment_ids, action, moderator, reason="", now=None):
    """Take ``action`` on every comment of ``comment_ids``, or on none of them.

    ``moderator`` is the staff user (its id and email go into the audit trail). Raises
    ReasonRequired, UnknownComment, or NotAllowed naming the first comment the action does not
    fit; nothing has changed then. Returns the ModerationDecision rows written, in id order.
    """
    action = ModerationAction(action)
    reason = clean_reason(action, reason)
    ids = list(dict.fromkeys(comment_ids))
    if not ids or len(ids) > BULK_MAX:
        raise ModerationError(_l("Choose from 1 to %(max)s comments.", max=BULK_MAX))
    comments = _locked(ids)
    for comment in comments:
        if not _allowed(comment, action):
            raise NotAllowed(_refusal(comment, action), comment.id)
    now = now or utcnow()
    decisions = []
    for comment in comments:
        _apply(comment, action, reason, now)
        decisions.append(ModerationDecision(
            comment_id=comment.id, action=action, reason=reason, moderator_id=moderator.id,
            moderator_email=moderator.email, decided_at=now))
    db.session.add_all(decisions)
    db.session.flush()
    return decisions


def decide(comment_id, action, moderator, reason="", now=None):
    """Take ``action`` on one comment; see :func:`decide_many`. Returns its decision row."""
    return decide_many([comment_id], action, moderator, reason, now)[0]


def approve(comment_id, moderator, now=None):
    """Publish a pending comment and email its author."""
    return decide(comment_id, ModerationAction.APPROVE, moderator, now=now)


def reject(comment_id, moderator, reason, now=None):
    """Refuse a pending comment with a reason, which the author is emailed."""
    return decide(comment_id, ModerationAction.REJECT, moderator, reason, now)


def hide(comment_id, moderator, reason, now=None):
    """Take an approved comment off the public pages, with a reason; closes its reports."""
    return decide(comment_id, ModerationAction.HIDE, moderator, reason, now)


def dismiss_reports(comment_id, moderator, reason="", now=None):
    """Close an approved comment's open reports; it stays public."""
    return decide(comment_id, ModerationAction.DISMISS_REPORTS, moderator, reason, now)


def history(comment_id):
    """The comment's decisions, oldest first."""
    return db.session.scalars(sa.select(ModerationDecision).where(
        ModerationDecision.comment_id == comment_id).order_by(
        ModerationDecision.decided_at, ModerationDecision.id)).all()
