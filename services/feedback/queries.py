"""Read-only questions the public pages and API ask. Nothing here returns an unapproved comment.

Public reads go through :func:`threads`: approved top-level comments, each with its approved
replies; a hidden, rejected, pending, unconfirmed or expired comment (and every reply under a
comment that is not approved) is left out by the query itself.
"""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from services.feedback.models import Comment, CommentStatus, Forum, Topic, db


@dataclass
class Thread:
    """An approved top-level comment and its approved replies, oldest first."""

    comment: Comment
    replies: list = field(default_factory=list)


def public_forums():
    """Forums with at least one live topic, the latest first."""
    live = sa.select(Topic.forum_id).where(Topic.withdrawn.is_(False))
    return db.session.scalars(
        sa.select(Forum).where(Forum.id.in_(live)).order_by(Forum.starts_at.desc(), Forum.id)
    ).all()


def public_forum(forum_id):
    """A forum with live topics, or None."""
    forum = db.session.get(Forum, forum_id)
    return forum if forum is not None and any(not t.withdrawn for t in forum.topics) else None


def public_topic(topic_id):
    """A live topic (on its forum's published agenda), or None; its forum comes in the same query."""
    topic = db.session.get(Topic, topic_id, options=(joinedload(Topic.forum),))
    return topic if topic is not None and not topic.withdrawn else None


def _approved(query):
    """``query`` limited to approved comments, oldest approval first."""
    return query.where(Comment.status == CommentStatus.APPROVED).order_by(
        Comment.approved_at, Comment.id)


def threads(topic_id):
    """The topic's approved comments with their approved replies, as [Thread]."""
    top = db.session.scalars(_approved(sa.select(Comment).where(
        Comment.topic_id == topic_id, Comment.parent_id.is_(None)))).all()
    by_id = {comment.id: Thread(comment) for comment in top}
    if by_id:
        replies = db.session.scalars(_approved(sa.select(Comment).where(
            Comment.parent_id.in_(list(by_id))))).all()
        for reply in replies:
            by_id[reply.parent_id].replies.append(reply)
    return list(by_id.values())


def approved_counts(topic_ids):
    """{topic id: number of public comments and replies} (0 for none)."""
    counts = dict.fromkeys(topic_ids, 0)
    if not topic_ids:
        return counts
    parent = sa.orm.aliased(Comment)
    visible = sa.or_(Comment.parent_id.is_(None), parent.status == CommentStatus.APPROVED)
    query = (
        sa.select(Comment.topic_id, sa.func.count(Comment.id))
        .outerjoin(parent, parent.id == Comment.parent_id)
        .where(Comment.topic_id.in_(list(topic_ids)), Comment.status == CommentStatus.APPROVED,
               visible)
        .group_by(Comment.topic_id)
    )
    counts.update(dict(db.session.execute(query).all()))
    return counts


def is_visible(comment):
    """Whether the public sees the comment: approved, in an approved thread, on a live topic."""
    if comment.status != CommentStatus.APPROVED or comment.topic.withdrawn:
        return False
    if comment.parent_id is None:
        return True
    return db.session.get(Comment, comment.parent_id).status == CommentStatus.APPROVED


def can_reply_to(comment):
    """Whether ``comment`` takes replies: approved, top-level and visible."""
    return comment.parent_id is None and is_visible(comment)


def visible_comment(comment_id):
    """A comment the public can see (to reply to or report), or None."""
    comment = db.session.get(Comment, comment_id)
    return comment if comment is not None and is_visible(comment) else None
