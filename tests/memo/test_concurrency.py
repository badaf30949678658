"""Concurrent sign-offs: N members approve at once and the memo becomes approved exactly once.

Each thread has its own app context (its own session and connection); a barrier starts them
together. With the memo's row lock exactly one ``approved`` history entry and one
``memo.approved`` message exist. The control replaces the lock with a plain read (every thread
reads before any writes) and must not approve exactly once on PostgreSQL, which shows the test
can catch a broken lock.
"""

import threading

import pytest
import sqlalchemy as sa

from services.memo import publishing, review, versions
from services.memo.models import HistoryEntry, Memo, MemoState, db
from shared.auth import Role
from shared.contracts import events
from shared.db import dispose_engines
from tests.memo.builders import drafted_memo, outbox, staff, working_group

MEMBERS = 12


@pytest.fixture(autouse=True)
def free_connections():
    """Close idle pooled connections first: each thread takes one of its own."""
    dispose_engines()


@pytest.fixture
def in_review(ctx):
    """(memo id, secretary, members) with the memo in review by MEMBERS members."""
    secretary = staff(Role.SECRETARY)
    members = working_group(MEMBERS)
    memo_id = drafted_memo(secretary=secretary)
    review.submit_for_review(db.session.get(Memo, memo_id), secretary)
    db.session.commit()
    return memo_id, secretary, members


def approve_all_at_once(app, memo_id, members):
    """Every member approves from a thread of their own; returns the errors raised."""
    barrier = threading.Barrier(len(members))
    errors = []

    def sign(user):
        with app.app_context():
            try:
                barrier.wait(timeout=30)
                review.approve(memo_id, user)
                db.session.commit()
            except Exception as exc:  # noqa: BLE001 - reported by the test
                db.session.rollback()
                errors.append(exc)

    threads = [threading.Thread(target=sign, args=(user,)) for user in members]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def approvals_recorded(memo_id):
    """How many times the memo was approved, by its history."""
    db.session.expire_all()
    return db.session.scalar(sa.select(sa.func.count(HistoryEntry.id)).where(
        HistoryEntry.memo_id == memo_id, HistoryEntry.action == "approved"))


def test_concurrent_approvals_approve_exactly_once(app, in_review):
    memo_id, secretary, members = in_review
    errors = approve_all_at_once(app, memo_id, members)
    # sign-offs that came after the approval find the round closed; nothing else goes wrong
    assert all(isinstance(e, review.WrongState) for e in errors), errors[:3]
    assert approvals_recorded(memo_id) == 1
    assert len(outbox(events.MEMO_APPROVED)) == 1
    memo = db.session.get(Memo, memo_id)
    assert memo.state == MemoState.APPROVED
    publishing.publish(memo_id, secretary)
    db.session.commit()
    published = outbox(events.MEMO_PUBLISHED)
    assert len(published) == 1 and published[0]["memo_id"] == memo_id


def test_control_without_the_lock_does_not_approve_exactly_once(app, in_review, backend,
                                                                monkeypatch):
    if backend != "postgresql":
        pytest.skip("SQLite serialises writers itself; the race needs PostgreSQL's concurrency")
    memo_id, _secretary, members = in_review
    everyone_has_read = threading.Barrier(len(members))

    def read_without_lock(memo_id):
        """The broken lock: read the memo and its round, then let the others read too."""
        memo = db.session.get(Memo, memo_id)
        # held by the memo: the session's identity map is weak, and a collected round would be
        # loaded again later, seeing the others' committed sign-offs (the control went flaky)
        memo.round_read_without_lock = versions.open_round(memo)
        list(memo.round_read_without_lock.sign_offs)
        everyone_has_read.wait(timeout=30)
        return memo

    monkeypatch.setattr(review, "lock_memo", read_without_lock)
    errors = approve_all_at_once(app, memo_id, members)
    assert not errors, errors[:3]
    # every sign-off counted from what it read before the others wrote: the rule is never seen
    # met, although every member approved
    assert approvals_recorded(memo_id) != 1, "the control approved once: it could not catch a race"
