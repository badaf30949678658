"""The working group's review: one round per submitted version, one sign-off per member."""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.memo.models.base import Base, enum_column
from services.memo.models.group import GroupMember
from services.memo.models.memos import MemoVersion
from shared.db import utcnow


class RoundOutcome(enum.StrEnum):
    """How a review round ended (OPEN while members can still sign off)."""

    OPEN = "open"
    APPROVED = "approved"
    CHANGES_REQUESTED = "changes_requested"
    SUPERSEDED = "superseded"  # a newer version was saved before the round ended


class Decision(enum.StrEnum):
    """What a member decided about the round's version."""

    APPROVE = "approve"
    REQUEST_CHANGES = "request_changes"


class ReviewRound(Base):
    """The working group's review of one submitted version.

    At most one round of a memo is open (a partial unique index). Approvals belong to their
    round: a new version starts a new round, and earlier approvals do not carry over.
    """

    __tablename__ = "review_rounds"
    __table_args__ = (
        sa.Index("uq_review_rounds_open", "memo_id", unique=True,
                 sqlite_where=sa.text("outcome = 'open'"),
                 postgresql_where=sa.text("outcome = 'open'")),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    memo_id: Mapped[int] = mapped_column(sa.ForeignKey("memos.id", ondelete="CASCADE"), index=True)
    #: the version under review (one round per submitted version)
    version_id: Mapped[int] = mapped_column(sa.ForeignKey("memo_versions.id"), unique=True)
    #: the council term whose members review it
    term_id: Mapped[int] = mapped_column(sa.ForeignKey("council_terms.id"))
    outcome: Mapped[RoundOutcome] = mapped_column(enum_column(RoundOutcome),
                                                  default=RoundOutcome.OPEN)
    #: the secretary who submitted it
    opened_by_id: Mapped[int]
    opened_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    version: Mapped[MemoVersion] = relationship()
    sign_offs: Mapped[list["SignOff"]] = relationship(back_populates="round",
                                                      order_by="SignOff.id")


class SignOff(Base):
    """A member's approval or request for changes in one round (one per member per round)."""

    __tablename__ = "sign_offs"
    __table_args__ = (
        sa.UniqueConstraint("round_id", "member_id"),
        sa.CheckConstraint("paragraph IS NULL OR paragraph >= 1", name="paragraph_positive"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("review_rounds.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("group_members.id"))
    decision: Mapped[Decision] = mapped_column(enum_column(Decision))
    #: what should change (required with a request for changes)
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    #: the paragraph of the version the comment is about (1-based); None: the whole memo
    paragraph: Mapped[int | None] = mapped_column(default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    round: Mapped[ReviewRound] = relationship(back_populates="sign_offs")
    member: Mapped[GroupMember] = relationship()
