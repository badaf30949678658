"""Who a published memo goes to, and whether it got there.

The recipient list (boards, the regional government) is managed by an admin; the presenters
come from the forum's agenda. A delivery row is made per publication per recipient when the
memo is published, and its status follows notify's ``memo.delivered`` reports.
"""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from services.memo.models.base import Base, enum_column
from shared.db import utcnow


class RecipientKind(enum.StrEnum):
    """Who a recipient is."""

    BOARD = "board"  # lautakunta
    REGIONAL_GOVERNMENT = "regional_government"  # aluehallitus
    OTHER = "other"
    PRESENTER = "presenter"  # a presenter of the forum's agenda (deliveries only)


class DeliveryStatus(enum.StrEnum):
    """Where one recipient's copy is."""

    PENDING = "pending"  # published; notify has not reported yet
    SENT = "sent"
    FAILED = "failed"


class Recipient(Base):
    """An entry of the recipient list every published memo goes to."""

    __tablename__ = "recipients"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: e.g. "Sosiaali- ja terveyslautakunta"
    name: Mapped[str] = mapped_column(sa.String(200))
    #: lowercased; one entry per address
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    kind: Mapped[RecipientKind] = mapped_column(enum_column(RecipientKind))
    #: an inactive entry gets no new memos
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Delivery(Base):
    """One publication's copy to one recipient (once per publication per address)."""

    __tablename__ = "deliveries"
    __table_args__ = (sa.UniqueConstraint("publication_id", "email"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    memo_id: Mapped[int] = mapped_column(sa.ForeignKey("memos.id", ondelete="CASCADE"), index=True)
    publication_id: Mapped[int] = mapped_column(sa.ForeignKey("publications.id",
                                                              ondelete="CASCADE"))
    #: the list entry it came from (None for a presenter)
    recipient_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("recipients.id", ondelete="SET NULL"), default=None)
    kind: Mapped[RecipientKind] = mapped_column(enum_column(RecipientKind))
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    email: Mapped[str] = mapped_column(sa.String(254))
    status: Mapped[DeliveryStatus] = mapped_column(enum_column(DeliveryStatus),
                                                   default=DeliveryStatus.PENDING)
    #: when notify reported it sent (or failed)
    reported_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    error: Mapped[str] = mapped_column(sa.Text, default="")
