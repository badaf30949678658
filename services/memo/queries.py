"""Read-only questions about memos: what is public, the approval record, lists for staff."""

import sqlalchemy as sa

from services.memo.models import (
    AgendaItem,
    CouncilTerm,
    Decision,
    Delivery,
    FollowUp,
    FollowUpUpdate,
    Memo,
    Publication,
    Recipient,
    RecipientKind,
    ReviewRound,
    RoundOutcome,
    SignOff,
    db,
)


def published_memos():
    """Memos with a publication, the latest forum first."""
    return db.session.scalars(sa.select(Memo).where(Memo.id.in_(sa.select(Publication.memo_id)))
                              .order_by(Memo.forum_id.desc())).all()


def public_memo(memo_id):
    """The memo if it has been published, else None."""
    memo = db.session.get(Memo, memo_id)
    return memo if memo is not None and memo.publications else None


def follow_ups(memo):
    """The memo's follow-ups in agenda order."""
    return db.session.scalars(sa.select(FollowUp).join(AgendaItem).where(FollowUp.memo_id == memo.id)
                              .order_by(AgendaItem.position, FollowUp.id)).all()


def approvals(version):
    """The approving sign-offs of the round that approved ``version``, oldest first."""
    return db.session.scalars(sa.select(SignOff).join(ReviewRound).where(
        ReviewRound.version_id == version.id, ReviewRound.outcome == RoundOutcome.APPROVED,
        SignOff.decision == Decision.APPROVE).order_by(SignOff.created_at, SignOff.id)).all()


def rounds(memo):
    """The memo's review rounds, oldest first."""
    return db.session.scalars(sa.select(ReviewRound).where(ReviewRound.memo_id == memo.id)
                              .order_by(ReviewRound.id)).all()


def all_memos():
    """Every memo, the latest forum first (the staff's list)."""
    return db.session.scalars(sa.select(Memo).order_by(Memo.forum_id.desc())).all()


def terms():
    """Council terms, the latest first."""
    return db.session.scalars(sa.select(CouncilTerm).order_by(CouncilTerm.starts_on.desc())).all()


def recipient_list():
    """The recipient list by kind and name."""
    return db.session.scalars(sa.select(Recipient).order_by(Recipient.kind, Recipient.name)).all()


def publication_of(memo, publication_id):
    """The memo's publication ``publication_id`` (the one in force or an earlier one), or None."""
    return next((p for p in memo.publications if p.id == publication_id), None)


def follow_up_revision(memo):
    """How many follow-up changes the memo has had (the log only grows: a version of the table)."""
    return db.session.scalar(sa.select(sa.func.count(FollowUpUpdate.id)).join(FollowUp).where(
        FollowUp.memo_id == memo.id)) or 0


def deliveries(publication_id):
    """Who a publication went to, with each copy's status and when notify reported it.

    Board and regional-government entries first, then presenters, each by name.
    """
    return db.session.scalars(sa.select(Delivery).where(Delivery.publication_id == publication_id)
                              .order_by(Delivery.kind == RecipientKind.PRESENTER, Delivery.name,
                                        Delivery.email)).all()


def delivery_counts(publication_id):
    """{status: count} of a publication's deliveries (pending, sent, failed)."""
    rows = db.session.execute(sa.select(Delivery.status, sa.func.count()).where(
        Delivery.publication_id == publication_id).group_by(Delivery.status)).all()
    return {status.value: count for status, count in rows}
