"""Follow-ups: how each agenda item's matter is handled in the county's decision-making.

A follow-up may change after publication without a new review; every change is a row of its
append-only log.
"""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.memo.models.base import Base, refuse_changes
from services.memo.models.forums import AgendaItem
from services.memo.models.memos import RecordIsAppendOnly
from shared.db import utcnow


class FollowUp(Base):
    """The handling of one agenda item's matter (one per memo per agenda item)."""

    __tablename__ = "follow_ups"
    __table_args__ = (sa.UniqueConstraint("memo_id", "agenda_item_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    memo_id: Mapped[int] = mapped_column(sa.ForeignKey("memos.id", ondelete="CASCADE"))
    agenda_item_id: Mapped[int] = mapped_column(sa.ForeignKey("agenda_items.id"))
    #: the body that handles the matter, e.g. a board (lautakunta) or the regional government
    handling_body: Mapped[str] = mapped_column(sa.String(200), default="")
    #: when it is (or was) handled
    handled_on: Mapped[dt.date | None] = mapped_column(default=None)
    #: what was decided, in a few words
    outcome: Mapped[str] = mapped_column(sa.Text, default="")
    #: a link to the decision (minutes, decision register)
    decision_url: Mapped[str] = mapped_column(sa.String(500), default="")
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    agenda_item: Mapped[AgendaItem] = relationship()
    updates: Mapped[list["FollowUpUpdate"]] = relationship(order_by="FollowUpUpdate.id")


class FollowUpUpdate(Base):
    """One change of a follow-up: who, when, and the values before and after."""

    __tablename__ = "follow_up_updates"
    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(sa.ForeignKey("follow_ups.id", ondelete="CASCADE"),
                                              index=True)
    #: {field: [before, after]} of the fields that changed (dates as ISO strings)
    changes: Mapped[dict] = mapped_column(sa.JSON)
    #: the memo was already published when it changed (the public page shows these)
    after_publication: Mapped[bool] = mapped_column(default=False)
    changed_by_id: Mapped[int]
    changed_by_name: Mapped[str] = mapped_column(sa.String(200))
    changed_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


refuse_changes(FollowUpUpdate, RecordIsAppendOnly)
