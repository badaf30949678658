"""The preparatory working group: council terms (valtuustokausi) and their members."""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.memo.models.base import Base, enum_column
from shared.db import utcnow


class CompanySize(enum.StrEnum):
    """The size class of a member's company (the group should reflect every class)."""

    MICRO = "micro"
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class CouncilTerm(Base):
    """A council term; the working group is chosen for one, e.g. 2025–2029."""

    __tablename__ = "council_terms"
    __table_args__ = (sa.CheckConstraint("ends_on > starts_on", name="ends_after_start"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    #: how the term is called, e.g. "2025–2029"
    label: Mapped[str] = mapped_column(sa.String(20), unique=True)
    #: the term's first and last day; the current term is the one today falls in
    starts_on: Mapped[dt.date]
    ends_on: Mapped[dt.date]

    members: Mapped[list["GroupMember"]] = relationship(
        back_populates="term", order_by="GroupMember.name")


class GroupMember(Base):
    """A provider representative in the working group of one term."""

    __tablename__ = "group_members"
    __table_args__ = (sa.UniqueConstraint("term_id", "email"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    term_id: Mapped[int] = mapped_column(sa.ForeignKey("council_terms.id", ondelete="CASCADE"),
                                         index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    #: where review requests go; lowercased
    email: Mapped[str] = mapped_column(sa.String(254))
    organisation: Mapped[str] = mapped_column(sa.String(200))
    #: the provider's industry, e.g. "home care"
    industry: Mapped[str] = mapped_column(sa.String(100))
    company_size: Mapped[CompanySize] = mapped_column(enum_column(CompanySize))
    #: one of the county's areas
    region: Mapped[str] = mapped_column(sa.String(100))
    #: the staff account (by its login email) the member signs off with; None: ``email`` is it
    staff_email: Mapped[str | None] = mapped_column(sa.String(254), default=None)
    #: a member who left the group keeps their past sign-offs but is asked for no new ones
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    term: Mapped[CouncilTerm] = relationship(back_populates="members")

    @property
    def login_email(self):
        """The staff login this member signs off with."""
        return self.staff_email or self.email
