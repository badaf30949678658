"""The moderation queues (services.feedback.queue): order, keyset pages, counts, waiting times."""

import datetime as dt

import pytest
import sqlalchemy as sa

from services.feedback import queue
from services.feedback.models import CommentStatus, db
from shared.testing.statements import recording
from tests.feedback.moderating import add_report

#: a Thursday noon in Helsinki (10:00 UTC)
NOW = dt.datetime(2026, 11, 26, 10, 0, tzinfo=dt.UTC)



def pending_ids(app, after=None, limit=50, now=NOW):
    """(ids of a pending page, its next cursor, total)."""
    with app.app_context():
        page = queue.pending(after=after, limit=limit, now=now)
        return [i.comment.id for i in page.items], page.next_after, page.total


def test_pending_comments_oldest_first_and_only_pending(app, topic_id, create_comment):
    newer = create_comment(topic_id, status=CommentStatus.PENDING, submitted_at=NOW - dt.timedelta(hours=1))
    older = create_comment(topic_id, status=CommentStatus.PENDING, submitted_at=NOW - dt.timedelta(days=3))
    for status in (CommentStatus.APPROVED, CommentStatus.UNCONFIRMED, CommentStatus.REJECTED,
                   CommentStatus.HIDDEN, CommentStatus.EXPIRED):
        create_comment(topic_id, status=status)
    assert pending_ids(app) == ([older, newer], None, 2)


def test_keyset_pages_walk_the_whole_queue_once_even_with_equal_times(app, topic_id, create_comment):
    same = NOW - dt.timedelta(days=1)
    ids = [create_comment(topic_id, status=CommentStatus.PENDING, submitted_at=same, body=f"T{n}")
           for n in range(7)]
    seen, after = [], None
    while True:
        page, after, total = pending_ids(app, after=after, limit=3)
        seen.extend(page)
        assert total == 7
        if after is None:
            break
    assert seen == ids


def test_a_decided_comment_does_not_shift_the_next_page(app, topic_id, create_comment):
    ids = [create_comment(topic_id, status=CommentStatus.PENDING,
                          submitted_at=NOW - dt.timedelta(hours=10 - n)) for n in range(4)]
    first, after, _ = pending_ids(app, limit=2)
    with app.app_context():  # a moderator approves the first page meanwhile
        db.session.execute(sa.text("UPDATE comments SET status = 'approved' WHERE id IN (:a, :b)"),
                           {"a": first[0], "b": first[1]})
        db.session.commit()
    assert pending_ids(app, after=after, limit=2)[0] == ids[2:]


def test_pages_are_read_by_keyset_not_offset(app, topic_id, create_comment):
    for n in range(5):
        create_comment(topic_id, status=CommentStatus.PENDING, submitted_at=NOW - dt.timedelta(hours=n))
    _, after, _ = pending_ids(app, limit=2)
    with app.app_context():
        engine = db.engine
        with recording(engine) as statements:
            queue.pending(after=after, limit=2, now=NOW)
        stmt, params = next((s, p) for s, p in statements if "ORDER BY" in s and "comments" in s)
        # SQLite always writes "LIMIT ? OFFSET ?": the offset it is given must be 0
        assert "OFFSET" not in stmt.upper() or (engine.dialect.name == "sqlite" and params[-1] == 0)
        plan = _plan(engine, stmt, params)
    assert "ix_comments_status_submitted" in plan


def _plan(engine, statement, params):
    """The database's plan of ``statement``, as text."""
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            conn.exec_driver_sql("SET enable_seqscan = off")
            rows = conn.exec_driver_sql("EXPLAIN " + statement, params).all()
        else:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
        conn.rollback()
    return " ".join(str(value) for row in rows for value in row)


@pytest.mark.parametrize("cursor", ["nonsense", "2026-11-26T10:00:00_5", "123_x", "-5_1",
                                    "999999999999999999_1", "1" * 40 + "_1", "_5", "",
                                    f"1_{2**31}", f"1_{2**63}", "1_" + "9" * 40, "\u00b2_1",
                                    "1_\u0661", "1_5\n"])
def test_a_bad_cursor_is_refused(app, cursor):
    with app.app_context():
        if cursor:
            with pytest.raises(queue.BadCursor):
                queue.pending(after=cursor)
        else:
            assert queue.pending(after=cursor).items == []


def test_waiting_time_and_the_overdue_mark_count_working_days(app, topic_id, create_comment):
    # NOW is Thursday noon; Monday noon is 3 working days earlier, Tuesday 13:00 just under 2
    monday = create_comment(topic_id, status=CommentStatus.PENDING,
                            submitted_at=NOW - dt.timedelta(days=3), body="Mon")
    tuesday = create_comment(topic_id, status=CommentStatus.PENDING,
                             submitted_at=NOW - dt.timedelta(days=2) + dt.timedelta(hours=1), body="Tue")
    with app.app_context():
        items = {i.comment.id: i for i in queue.pending(now=NOW).items}
        assert items[monday].overdue and items[monday].working_days == pytest.approx(3)
        assert not items[tuesday].overdue and items[tuesday].waited == dt.timedelta(hours=47)
        late_pending, late_reported = queue.overdue(now=NOW)
    assert [i.comment.id for i in late_pending] == [monday] and late_reported == []


def test_a_weekend_does_not_make_friday_comments_overdue_on_monday(app, topic_id, create_comment):
    friday = dt.datetime(2026, 11, 20, 13, 0, tzinfo=dt.UTC)
    create_comment(topic_id, status=CommentStatus.PENDING, submitted_at=friday)
    with app.app_context():
        [item] = queue.pending(now=friday + dt.timedelta(days=3, hours=2)).items
    assert item.waited == dt.timedelta(days=3, hours=2) and not item.overdue


def test_reported_queue_lists_approved_comments_with_open_reports(app, topic_id, create_comment):
    first = create_comment(topic_id, body="Reported twice")
    second = create_comment(topic_id, body="Reported once")
    dismissed = create_comment(topic_id, body="Reports handled")
    hidden = create_comment(topic_id, status=CommentStatus.HIDDEN, body="Hidden")
    add_report(app, second, "spam", created_at=NOW - dt.timedelta(hours=2))
    add_report(app, first, "personal_data", created_at=NOW - dt.timedelta(days=4))
    add_report(app, first, "other", "Names my neighbour", created_at=NOW - dt.timedelta(hours=1))
    add_report(app, dismissed, "spam", resolved_at=NOW)
    add_report(app, hidden, "spam")
    with app.app_context():
        page = queue.reported(now=NOW)
        assert [i.comment.id for i in page.items] == [first, second] and page.total == 2
        assert [len(i.reports) for i in page.items] == [2, 1]
        assert [r.value for r in page.items[0].reasons] == ["personal_data", "other"]
        assert page.items[0].since == NOW - dt.timedelta(days=4) and page.items[0].overdue
        assert queue.counts() == {"pending": 0, "reported": 2}
        second_page = queue.reported(after=queue.encode_cursor(page.items[0].since, first), now=NOW)
    assert [i.comment.id for i in second_page.items] == [second]
