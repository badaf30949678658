"""The public life of a comment: submit, confirm by email, reply, report, expire. Flush only.

A comment starts UNCONFIRMED and its author is emailed a signed link (48 h, one use). Confirming
moves it to PENDING, the moderators' queue; moderation (approve, reject, hide) lives elsewhere.
Only APPROVED comments are ever public. A reply answers an approved top-level comment and goes
through the same confirmation and moderation. Anyone may report a visible comment.
"""

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from services.feedback import emails, personal_data, topics
from services.feedback.models import (
    Comment,
    CommentStatus,
    Report,
    ReportReason,
    db,
    spent_tokens,
)
from services.feedback.queries import can_reply_to, is_visible
from shared import tokens
from shared.db import utcnow

CONFIRM_PURPOSE = "comment_confirm"
#: a repeat of one of these is the same comment sent twice, not a new one
LIVE_STATUSES = (CommentStatus.UNCONFIRMED, CommentStatus.PENDING, CommentStatus.APPROVED)


class CommentError(Exception):
    """A comment operation that the comment's or topic's state does not allow."""


class WindowClosed(CommentError):
    """The topic does not take comments now."""


class NotRepliable(CommentError):
    """Only an approved top-level comment on a live topic takes replies."""


class NotVisible(CommentError):
    """Only a comment the public can see can be reported."""


class NotConfirmable(CommentError):
    """The comment was already confirmed, or it expired; ``comment`` says which."""

    def __init__(self, comment):
        super().__init__(comment.status.value)
        self.comment = comment


def confirm_hours():
    """How long a confirmation link lives (and an unconfirmed comment waits)."""
    return current_app.config["COMMENT_CONFIRM_HOURS"]


def _same_comment(topic, parent, data):
    """A live comment with the same author, place and text (a double submit), or None."""
    return db.session.scalar(sa.select(Comment).where(
        Comment.topic_id == topic.id,
        Comment.parent_id.is_(None) if parent is None else Comment.parent_id == parent.id,
        Comment.author_email == data["email"], Comment.body == data["text"],
        Comment.status.in_(LIVE_STATUSES),
    ).limit(1))


def submit(topic, data, locale, parent=None, now=None):
    """Take a comment (or a reply to ``parent``) and email its confirmation link.

    ``data`` is what schemas.CommentSchema loaded. Returns (comment, created): the same text
    sent again by the same address is not taken twice. Raises WindowClosed or NotRepliable.
    """
    now = now or utcnow()
    if not topics.is_open(topic, now):
        raise WindowClosed(topic.id)
    if parent is not None and (parent.topic_id != topic.id or not can_reply_to(parent)):
        raise NotRepliable(parent.id)
    existing = _same_comment(topic, parent, data)
    if existing is not None:
        return existing, False
    comment = Comment(
        topic=topic, parent_id=parent.id if parent else None, author_name=data["name"],
        author_email=data["email"], organisation=data["organisation"],
        business_id=data.get("business_id"),
        on_behalf_of_organisation=data.get("on_behalf_of_organisation", False),
        body=data["text"], status=CommentStatus.UNCONFIRMED, locale=locale, created_at=now,
        personal_data_flag=personal_data.detect(data["text"]),
    )
    db.session.add(comment)
    db.session.flush()
    emails.comment_confirm(comment, tokens.sign(CONFIRM_PURPOSE, comment_id=comment.id))
    return comment, True


def reply(parent, data, locale, now=None):
    """Take a reply to an approved top-level comment; see :func:`submit`."""
    return submit(parent.topic, data, locale, parent=parent, now=now)


def comment_for_token(token):
    """(comment, token data) of a confirmation link; raises TokenExpired or TokenInvalid."""
    data = tokens.load(CONFIRM_PURPOSE, token, max_age=confirm_hours() * 3600)
    comment_id = data.get("comment_id")
    comment = db.session.get(Comment, comment_id) if isinstance(comment_id, int) else None
    if comment is None:
        raise tokens.TokenInvalid("no such comment")
    return comment, data


def confirm(token, now=None):
    """Confirm a comment by its link: UNCONFIRMED -> PENDING, once. Returns the comment.

    Raises TokenExpired or TokenInvalid (bad, or already used), or NotConfirmable when the
    comment was already confirmed or has expired.
    """
    comment, data = comment_for_token(token)
    if comment.status != CommentStatus.UNCONFIRMED:
        raise NotConfirmable(comment)
    tokens.spend(db.session, spent_tokens, CONFIRM_PURPOSE, data)
    comment.status = CommentStatus.PENDING
    comment.submitted_at = now or utcnow()
    db.session.flush()
    return comment


def report(comment, data, now=None):
    """Report a visible comment (``data`` from schemas.ReportSchema); raises NotVisible."""
    if not is_visible(comment):
        raise NotVisible(comment.id)
    row = Report(comment_id=comment.id, reason=ReportReason(data["reason"]),
                 details=data.get("details") or "", created_at=now or utcnow())
    db.session.add(row)
    db.session.flush()
    return row


def expire_unconfirmed(now=None):
    """Mark comments unconfirmed for longer than the link lives EXPIRED; returns how many."""
    cutoff = (now or utcnow()) - dt.timedelta(hours=confirm_hours())
    result = db.session.execute(
        sa.update(Comment)
        .where(Comment.status == CommentStatus.UNCONFIRMED, Comment.created_at < cutoff)
        .values(status=CommentStatus.EXPIRED)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount
