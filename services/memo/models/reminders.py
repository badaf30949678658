"""Reminders to working-group members who have not answered a review round: one per member per round."""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.memo.models.base import Base
from shared.db import utcnow


class ReviewReminder(Base):
    """The reminder one member got about one round (the unique pair keeps it to one)."""

    __tablename__ = "review_reminders"
    __table_args__ = (sa.UniqueConstraint("round_id", "member_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(sa.ForeignKey("review_rounds.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(sa.ForeignKey("group_members.id", ondelete="CASCADE"))
    #: when the reminder was written to the outbox
    sent_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
