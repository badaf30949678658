"""The moderation queues, read only: pending comments and reported comments, with their counts.

* **pending**: confirmed comments waiting for a decision, oldest first by (submitted_at, id);
* **reported**: approved comments with open reports, the longest-reported first by (the first
  open report's time, id), each with its open reports' count and reasons.

Both page by **keyset** (``after`` is the last item's (time, id), see :func:`encode_cursor`), never
by OFFSET: the pending queue walks ix_comments_status_submitted from the cursor, so a late page
costs what the first one does. Each item says how long it has waited and whether that is more
than POLICY_MODERATION_DIGEST_WORKING_DAYS working days (weekends and Finnish holidays excluded).
"""

import datetime as dt
import re
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from services.feedback.models import Comment, CommentStatus, Report, Topic, db
from shared.db import utcnow
from shared.web.fields import ID_MAX
from shared.workdays import working_days_between

PENDING, REPORTED = "pending", "reported"
QUEUES = (PENDING, REPORTED)
PAGE_SIZE = 50
PAGE_MAX = 200


class BadCursor(ValueError):
    """An ``after`` value that is not a cursor this module made."""


@dataclass
class QueueItem:
    """One comment in a queue: how long it waited, and for reported ones, its open reports."""

    comment: Comment
    #: when the wait began: the comment's confirmation, or its first open report
    since: dt.datetime
    waited: dt.timedelta
    working_days: float
    overdue: bool
    reports: list = field(default_factory=list)

    @property
    def reasons(self):
        """The distinct reasons of the open reports, in the order first given."""
        return list(dict.fromkeys(report.reason for report in self.reports))


@dataclass
class QueuePage:
    """A page of a queue: its items, the cursor of the next page (None at the end), the total."""

    queue: str
    items: list
    next_after: str | None
    total: int


EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
#: a cursor: microseconds since EPOCH, an underscore, a comment id (ASCII digits only)
CURSOR = re.compile(r"(\d{1,18})_(\d{1,19})", re.ASCII)


def encode_cursor(moment, comment_id):
    """The ``after`` value of an item: its (time, id) as URL-safe text (microseconds_id)."""
    return f"{(moment - EPOCH) // dt.timedelta(microseconds=1)}_{comment_id}"


def decode_cursor(text):
    """(aware UTC datetime, id) from :func:`encode_cursor`'s text; raises BadCursor."""
    match = CURSOR.fullmatch(str(text))
    if match is None or int(match.group(2)) > ID_MAX:
        raise BadCursor(text)
    try:
        return EPOCH + dt.timedelta(microseconds=int(match.group(1))), int(match.group(2))
    except OverflowError as exc:
        raise BadCursor(text) from exc


def overdue_days():
    """The working days after which an item is overdue (the digest's policy number)."""
    return current_app.config["POLICY_MODERATION_DIGEST_WORKING_DAYS"]


def _item(comment, since, now, reports=()):
    """A QueueItem with its waiting time measured up to ``now``."""
    days = working_days_between(since, now)
    return QueueItem(comment, since, max(now - since, dt.timedelta()), days,
                     days > overdue_days(), list(reports))


def _limit(limit):
    """A page size within 1..PAGE_MAX."""
    return max(1, min(int(limit or PAGE_SIZE), PAGE_MAX))


def _with_topic(query):
    """Load each comment's topic and forum in one more query, not one per row."""
    return query.options(selectinload(Comment.topic).selectinload(Topic.forum))


def pending(after=None, limit=PAGE_SIZE, now=None, total=None):
    """A page of pending comments, oldest first, starting after the cursor ``after``.

    ``total`` is the queue's size when the caller has counted it already (counting 100,000
    rows costs more than reading a page); otherwise it is counted here.
    """
    now, limit = now or utcnow(), _limit(limit)
    key = (Comment.submitted_at, Comment.id)
    query = sa.select(Comment).where(Comment.status == CommentStatus.PENDING)
    if after:
        query = query.where(sa.tuple_(*key) > sa.tuple_(*decode_cursor(after)))
    rows = db.session.scalars(_with_topic(query.order_by(*key).limit(limit + 1))).all()
    items = [_item(c, c.submitted_at, now) for c in rows[:limit]]
    total = count_pending() if total is None else total
    return QueuePage(PENDING, items, _next(items, len(rows) > limit), total)


def count_pending():
    """How many comments wait for a decision."""
    return db.session.scalar(sa.select(sa.func.count(Comment.id)).where(
        Comment.status == CommentStatus.PENDING))


def _open_reports():
    """(comment_id, first open report's time) of every comment with open reports."""
    return (sa.select(Report.comment_id, sa.func.min(Report.created_at).label("first"))
            .where(Report.resolved_at.is_(None)).group_by(Report.comment_id).subquery())


def reported(after=None, limit=PAGE_SIZE, now=None, total=None):
    """A page of approved comments with open reports, the longest-reported first (``total``
    as in :func:`pending`)."""
    now, limit = now or utcnow(), _limit(limit)
    first = _open_reports()
    query = (sa.select(Comment, first.c.first).join(first, first.c.comment_id == Comment.id)
             .where(Comment.status == CommentStatus.APPROVED))
    if after:
        query = query.where(sa.tuple_(first.c.first, Comment.id) > sa.tuple_(*decode_cursor(after)))
    rows = db.session.execute(_with_topic(
        query.order_by(first.c.first, Comment.id).limit(limit + 1))).all()
    reports = _reports_of([comment.id for comment, _ in rows[:limit]])
    items = [_item(comment, since, now, reports.get(comment.id, ()))
             for comment, since in rows[:limit]]
    total = count_reported() if total is None else total
    return QueuePage(REPORTED, items, _next(items, len(rows) > limit), total)


def count_reported():
    """How many approved comments have open reports."""
    first = _open_reports()
    return db.session.scalar(sa.select(sa.func.count(Comment.id)).join(
        first, first.c.comment_id == Comment.id).where(Comment.status == CommentStatus.APPROVED))


def _reports_of(comment_ids):
    """{comment id: [open Report]} oldest first."""
    if not comment_ids:
        return {}
    by_comment = {}
    query = sa.select(Report).where(Report.comment_id.in_(comment_ids),
                                    Report.resolved_at.is_(None)).order_by(Report.created_at, Report.id)
    for report in db.session.scalars(query):
        by_comment.setdefault(report.comment_id, []).append(report)
    return by_comment


def _next(items, more):
    """The cursor after the last item, when there is a next page."""
    return encode_cursor(items[-1].since, items[-1].comment.id) if more and items else None


def page_of(queue, after=None, limit=PAGE_SIZE, now=None, total=None):
    """A page of the named queue (``pending`` or ``reported``); raises ValueError otherwise."""
    if queue not in QUEUES:
        raise ValueError(queue)
    return (pending if queue == PENDING else reported)(after, limit, now, total)


def counts():
    """{queue name: number of items} for the tabs."""
    return {PENDING: count_pending(), REPORTED: count_reported()}


def open_reports_of(comment_id):
    """The comment's open reports, oldest first."""
    return _reports_of([comment_id]).get(comment_id, [])


def all_reports_of(comment_id):
    """Every report of the comment, oldest first (for its detail page)."""
    return db.session.scalars(sa.select(Report).where(Report.comment_id == comment_id)
                              .order_by(Report.created_at, Report.id)).all()


def overdue(now=None):
    """(pending overdue, reported overdue): the items that waited past the policy, oldest first.

    Waiting only grows with age, so the overdue items are the start of each queue: pages are
    read until one holds an item that is not overdue.
    """
    now = now or utcnow()
    found = []
    for queue in QUEUES:
        items, after = [], None
        while True:
            page = page_of(queue, after=after, limit=PAGE_MAX, now=now, total=0)
            late = [item for item in page.items if item.overdue]
            items.extend(late)
            if len(late) < len(page.items) or page.next_after is None:
                break
            after = page.next_after
        found.append(items)
    return tuple(found)
