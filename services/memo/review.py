"""The working group's review: submit a version, approve it or request changes.

Every sign-off takes the memo's row lock first (:func:`lock_memo`), so concurrent sign-offs are
serialised and the memo becomes approved exactly once: one ``approved`` history entry, one
``memo.approved`` message. A request for changes ends the round; the next version starts a new
round in which earlier approvals do not count. Flush only.
"""

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import OperationalError

from services.memo import emails, group, history, rules, versions
from services.memo.errors import MemoBusy, NotAllowed, NotAMember, WrongState
from services.memo.models import (
    CouncilTerm,
    Decision,
    Memo,
    MemoState,
    OutboxMessage,
    ReviewRound,
    RoundOutcome,
    SignOff,
    db,
)
from shared.auth import Role
from shared.contracts import events
from shared.db import utcnow
from shared.outbox import emit

NOT_SUBMITTABLE = _l("Only a draft, or a new version after a request for changes, can be submitted.")
NO_GROUP = _l("The current council term has no working group members to review the memo.")
NOT_IN_REVIEW = _l("The memo is not in review.")
ALREADY_SIGNED = _l("You have already signed off this version.")
COMMENT_REQUIRED = _l("Say what should change.")
NO_SUCH_PARAGRAPH = _l("The version has no such paragraph.")


def lock_memo(memo_id):
    """The memo, locked until the transaction ends; raises MemoBusy after MEMO_LOCK_TIMEOUT_SECONDS.

    PostgreSQL: ``SELECT … FOR UPDATE`` (bounded by lock_timeout). SQLite: an UPDATE of the row
    takes the database write lock (bounded by busy_timeout). The memo is read afresh under it.
    """
    session = db.session
    try:
        if db.is_postgresql():
            timeout = int(current_app.config["MEMO_LOCK_TIMEOUT_SECONDS"] * 1000)
            session.execute(sa.text(f"SET LOCAL lock_timeout = {timeout}"))
            return session.scalars(sa.select(Memo).where(Memo.id == memo_id).with_for_update()
                                   .execution_options(populate_existing=True)).one()
        session.execute(sa.update(Memo).where(Memo.id == memo_id)
                        .values(lock_version=Memo.lock_version + 1)
                        .execution_options(synchronize_session=False))
        return session.get(Memo, memo_id, populate_existing=True)
    except OperationalError as exc:
        session.rollback()
        raise MemoBusy() from exc


def submit_for_review(memo, actor):
    """Open a review round for the newest version and email each member of the current term.

    Only a secretary submits. Raises WrongState unless the memo is a draft (or has a new version
    after a request for changes), or when the current term has no members. Returns the round.
    """
    if not actor.has_role(Role.SECRETARY):
        raise NotAllowed()
    reviewed = db.session.scalar(sa.select(ReviewRound.id).where(
        ReviewRound.version_id == memo.latest.id))
    if memo.state != MemoState.DRAFT or reviewed is not None:
        raise WrongState(NOT_SUBMITTABLE)
    term = group.current_term()
    members = group.active_members(term) if term else []
    if not members:
        raise WrongState(NO_GROUP)
    review_round = ReviewRound(memo_id=memo.id, version_id=memo.latest.id, term_id=term.id,
                               opened_by_id=actor.id)
    db.session.add(review_round)
    history.record(memo, "in_review", actor, to_state=MemoState.IN_REVIEW, version=memo.latest)
    emails.review_requested(memo, memo.latest, members)
    return review_round


def _signing(memo_id, actor):
    """(memo, open round, member) for a sign-off, under the memo's lock; raises if refused."""
    memo = lock_memo(memo_id)
    review_round = versions.open_round(memo)
    if memo.state != MemoState.IN_REVIEW or review_round is None:
        raise WrongState(NOT_IN_REVIEW)
    member = group.member_for(db.session.get(CouncilTerm, review_round.term_id), actor)
    if member is None:
        raise NotAMember()
    if any(s.member_id == member.id for s in review_round.sign_offs):
        raise WrongState(ALREADY_SIGNED)
    return memo, review_round, member


def tally(review_round):
    """(approvals, requests for changes, members asked) of a round."""
    decisions = [s.decision for s in review_round.sign_offs]
    members = len(group.active_members(db.session.get(CouncilTerm, review_round.term_id)))
    return decisions.count(Decision.APPROVE), decisions.count(Decision.REQUEST_CHANGES), members


def approve(memo_id, actor, comment=""):
    """Record ``actor``'s approval; approve the memo if the settings' rule is now met.

    Guarantees: one sign-off per member per round (a unique constraint too); the memo becomes
    approved exactly once however many sign off at the same time. Returns the sign-off.
    """
    memo, review_round, member = _signing(memo_id, actor)
    sign_off = SignOff(round=review_round, member=member, decision=Decision.APPROVE,
                       comment=comment or "")
    db.session.add(sign_off)
    db.session.flush()
    approvals, changes, members = tally(review_round)
    if rules.is_met(approvals, changes, members):
        review_round.outcome, review_round.closed_at = RoundOutcome.APPROVED, utcnow()
        history.record(memo, "approved", actor, to_state=MemoState.APPROVED,
                       version=review_round.version, note=f"{approvals}/{members}")
        emit(db.session, OutboxMessage, events.MEMO_APPROVED, memo_id=memo.id,
             event_id=memo.forum_id, title=memo.forum.title,
             version=review_round.version.number, approvals=approvals)
    return sign_off


def request_changes(memo_id, actor, comment, paragraph=None):
    """Record ``actor``'s request for changes, about paragraph ``paragraph`` or the whole (None).

    The round ends; the memo waits for a new version, whose round starts without approvals.
    Raises WrongState without a comment or for a paragraph the version does not have.
    """
    memo, review_round, member = _signing(memo_id, actor)
    if not (comment or "").strip():
        raise WrongState(COMMENT_REQUIRED)
    if paragraph is not None and not 1 <= paragraph <= len(review_round.version.paragraphs):
        raise WrongState(NO_SUCH_PARAGRAPH)
    sign_off = SignOff(round=review_round, member=member, decision=Decision.REQUEST_CHANGES,
                       comment=comment.strip(), paragraph=paragraph)
    db.session.add(sign_off)
    review_round.outcome, review_round.closed_at = RoundOutcome.CHANGES_REQUESTED, utcnow()
    history.record(memo, "changes_requested", actor, to_state=MemoState.CHANGES_REQUESTED,
                   version=review_round.version, note=comment.strip())
    return sign_off
