"""The moderators' daily digest: an email when something has waited too long in a queue.

Beat runs :func:`send_due` every hour. From the configured hour (Helsinki time) on, if any
pending or reported item has waited more than POLICY_MODERATION_DIGEST_WORKING_DAYS working days,
every active moderator gets one email that day listing the counts and the longest waiting. The
day's message id is derived from the date and the address, so a second run on the same day (or a
second beat) writes nothing new: each moderator gets at most one digest a day. Flush only.
"""

import uuid

import sqlalchemy as sa
from flask import current_app

from services.feedback import queue
from services.feedback.models import OutboxMessage, db
from shared.auth import Role, staff_with_role
from shared.contracts import notify
from shared.db import utcnow
from shared.localtime import helsinki
from shared.outbox import emit

#: the items the digest names, the longest waiting first
LISTED = 10
_NAMESPACE = uuid.UUID("6f1d0c43-5b1e-4b8e-9a57-6d0c3f0b2a11")


def message_id(day, email):
    """The digest's message id for one moderator on one (Helsinki) day."""
    return str(uuid.uuid5(_NAMESPACE, f"moderation-digest:{day.isoformat()}:{email}"))


def _listed(pending, reported):
    """The longest waiting items of both queues as plain values for the template."""
    items = sorted([*pending, *reported], key=lambda item: item.since)[:LISTED]
    return [{"queue": queue.REPORTED if item.reports else queue.PENDING,
             "topic_title": item.comment.topic.title, "forum_title": item.comment.topic.forum.title,
             "organisation": item.comment.organisation, "working_days": int(item.working_days)}
            for item in items]


def _context(pending, reported):
    """What every moderator's digest of the day says."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    return {"pending_overdue": len(pending), "reported_overdue": len(reported),
            "working_days": queue.overdue_days(), "oldest": _listed(pending, reported),
            "queue_url": f"{base}/feedback/staff/moderation"}


def _already_sent(ids):
    """The message ids among ``ids`` that are in the outbox already."""
    return set(db.session.scalars(sa.select(OutboxMessage.message_id)
                                  .where(OutboxMessage.message_id.in_(ids))))


def send_due(now=None):
    """Write today's digest for every moderator who has not had it; returns how many were written."""
    now = now or utcnow()
    local = now.astimezone(helsinki())
    if local.hour < current_app.config["MODERATION_DIGEST_HOUR"]:
        return 0
    pending, reported = queue.overdue(now)
    if not pending and not reported:
        return 0
    moderators = {message_id(local.date(), user.email): user
                  for user in staff_with_role(Role.MODERATOR)}
    sent = _already_sent(list(moderators))
    fresh = [key for key in moderators if key not in sent]
    context = _context(pending, reported)
    for key in fresh:
        user = moderators[key]
        emit(db.session, OutboxMessage, notify.SEND_EMAIL, message_id=key, to=user.email,
             to_name=user.name, locale=current_app.config["DEFAULT_LOCALE"],
             template="moderation_digest", context={**context, "name": user.name})
    db.session.flush()
    return len(fresh)

