"""Where review stands, read-only: a member's queue, who of a round has answered, what went before.

The queue is the rounds open for the current council term whose version the user, as an active
member, has not answered yet.
"""

import sqlalchemy as sa

from services.memo import group
from services.memo.models import CouncilTerm, Memo, ReviewRound, RoundOutcome, SignOff, db


def queue_for(user):
    """[(memo, round)] waiting for ``user``'s sign-off in the current term, the oldest first."""
    term = group.current_term()
    member = group.member_for(term, user) if term else None
    if member is None:
        return []
    answered = sa.select(SignOff.id).where(SignOff.round_id == ReviewRound.id,
                                           SignOff.member_id == member.id)
    rows = db.session.execute(
        sa.select(Memo, ReviewRound).join(ReviewRound, ReviewRound.memo_id == Memo.id)
        .where(ReviewRound.outcome == RoundOutcome.OPEN, ReviewRound.term_id == term.id,
               ~sa.exists(answered))
        .order_by(ReviewRound.opened_at, ReviewRound.id)).all()
    return [tuple(row) for row in rows]


def latest_round(memo):
    """The memo's newest review round, or None."""
    return db.session.scalar(sa.select(ReviewRound).where(ReviewRound.memo_id == memo.id)
                             .order_by(ReviewRound.id.desc()).limit(1))


def answers(review_round):
    """[(member, sign-off or None)] of the round's term: every active member, and any other
    member who signed off (e.g. one who has since left the group)."""
    term = db.session.get(CouncilTerm, review_round.term_id)
    by_member = {s.member_id: s for s in review_round.sign_offs}
    members = list(group.active_members(term))
    members += [s.member for s in review_round.sign_offs if s.member not in members]
    return [(member, by_member.get(member.id)) for member in members]


def previous_reviewed(review_round):
    """The version the working group reviewed in the round before ``review_round``, or None."""
    earlier = db.session.scalar(sa.select(ReviewRound).where(
        ReviewRound.memo_id == review_round.memo_id, ReviewRound.id < review_round.id)
        .order_by(ReviewRound.id.desc()).limit(1))
    return earlier.version if earlier else None


def member_of(review_round, user):
    """The active member of the round's term who signs in as ``user``, or None."""
    return group.member_for(db.session.get(CouncilTerm, review_round.term_id), user)
