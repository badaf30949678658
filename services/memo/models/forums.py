"""The forum as the memo service knows it: its own copy, from ``event.published`` messages.

For a forum that was published before the memo service listened, the copy is made from
registration's public event API when a secretary starts its memo by hand (presenters' emails
are then unknown).
"""

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.memo.models.base import Base
from shared.db import utcnow


class Forum(Base):
    """A published forum (its id is registration's event id)."""

    __tablename__ = "forums"
    #: the registration service's event id
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    #: the venue, from registration's event API (the message does not carry it)
    place: Mapped[str] = mapped_column(sa.String(300), default="")
    #: the event's public page
    url: Mapped[str] = mapped_column(sa.String(500))
    #: when the newest applied ``event.published`` or ``event.changed`` happened (an older,
    #: late message is ignored)
    announced_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: the series' default memo recipients, [{"name", "email", "kind"}] (kind: board,
    #: regional_government, other); empty: the recipient list's active entries
    memo_recipients: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: the series' communication partners, [{"name", "email"}]: each published memo goes to them
    partners: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: when registration cancelled it (``event.cancelled``): no memo is drafted from it, and
    #: later announcements of it change nothing
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    agenda_items: Mapped[list["AgendaItem"]] = relationship(
        back_populates="forum", order_by="AgendaItem.position", cascade="all, delete-orphan")

    @property
    def agenda(self):
        """The agenda items still on the published agenda, in agenda order."""
        return [item for item in self.agenda_items if not item.withdrawn]


class AgendaItem(Base):
    """One matter of the forum's agenda, with its presenter (a memo recipient)."""

    __tablename__ = "agenda_items"
    #: the registration service's agenda item id
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forums.id", ondelete="CASCADE"),
                                          index=True)
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    presenter_name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: where the published memo is sent to the presenter; never shown publicly
    presenter_email: Mapped[str] = mapped_column(sa.String(254), default="")
    #: removed from the published agenda (kept: a memo may already refer to it)
    withdrawn: Mapped[bool] = mapped_column(default=False)

    forum: Mapped[Forum] = relationship(back_populates="agenda_items")
