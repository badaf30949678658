"""Aggregate comment counts of forums, for the participation statistics: numbers only, never a
comment nor anyone's name, so the public API may answer them without a login.

Every comment of a forum's topics (withdrawn topics included) counts once under its status;
``reported`` counts comments reported at least once, ``personal_data_flagged`` those whose text
looked like it held personal data. Two statements however many forums are asked.
"""

import sqlalchemy as sa

from services.feedback.models import Comment, CommentStatus, Forum, Report, Topic, db


def _empty(forum_id):
    """A forum's counts before any comment is counted."""
    return {"forum_id": forum_id, "total": 0,
            "by_status": dict.fromkeys((s.value for s in CommentStatus), 0),
            "reported": 0, "personal_data_flagged": 0}


def of_forums(forum_ids):
    """{forum id: counts} of the known forums among ``forum_ids`` (unknown ids left out)."""
    known = db.session.scalars(sa.select(Forum.id).where(Forum.id.in_(list(forum_ids)))).all()
    found = {forum_id: _empty(forum_id) for forum_id in known}
    if not found:
        return found
    reported = sa.exists().where(Report.comment_id == Comment.id)
    rows = db.session.execute(
        sa.select(Topic.forum_id, Comment.status, sa.func.count(Comment.id),
                  sa.func.count(sa.case((reported, Comment.id))),
                  sa.func.count(Comment.personal_data_flag))
        .join(Topic, Topic.id == Comment.topic_id)
        .where(Topic.forum_id.in_(list(found)))
        .group_by(Topic.forum_id, Comment.status))
    for forum_id, status, n, n_reported, n_flagged in rows:
        counts = found[forum_id]
        counts["by_status"][CommentStatus(status).value] = n
        counts["total"] += n
        counts["reported"] += n_reported
        counts["personal_data_flagged"] += n_flagged
    return found


def of_forum(forum_id):
    """The counts of one forum, or None when feedback does not know it."""
    return of_forums([forum_id]).get(forum_id)
