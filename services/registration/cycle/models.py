"""The forum cycle's tables: series, year plans and their themes, decision meetings and planned
slots, and each forum's milestones. They live in registration's database (its ``Base``)."""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from services.registration.models import Base, Theme, _enum
from shared.db import utcnow


class Series(Base):
    """A forum series (the providers' forum, the associations' forum) with its policy numbers.

    Every rule about a forum reads the numbers of its series (:mod:`.numbers`), never constants;
    a new series starts from the settings' ``POLICY_*`` defaults.
    """

    __tablename__ = "series"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: a short stable name for URLs and the API ("palveluntuottajafoorumi")
    slug: Mapped[str] = mapped_column(sa.String(60), unique=True)
    #: the series' name as shown publicly
    name: Mapped[str] = mapped_column(sa.String(200))
    #: Markdown; rendered sanitized
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: forums a year: the policy's range (a year outside it is flagged on the clock)
    forums_per_year_min: Mapped[int] = mapped_column(default=3)
    forums_per_year_max: Mapped[int] = mapped_column(default=6)
    #: the agenda and material are public at least this many days before a forum
    publish_lead_days: Mapped[int] = mapped_column(default=7)
    #: comments stay open at least this many days after a forum
    comment_window_days: Mapped[int] = mapped_column(default=7)
    #: the recording shows this many days after its publication
    recording_visible_days: Mapped[int] = mapped_column(default=14)
    #: law 306/2019: the recording is captioned within this many days of its publication
    caption_deadline_days: Mapped[int] = mapped_column(default=14)
    #: the working group or influence body that checks the memo
    working_body: Mapped[str] = mapped_column(sa.String(200), default="")
    #: notify's newsletter segment (interest key) the series' announcements go to; "" = everyone
    newsletter_segment: Mapped[str] = mapped_column(sa.String(60), default="")
    #: the memo's default recipients: [{"name", "email", "kind"}] (kind: board,
    #: regional_government, other)
    memo_recipients: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: communication partners emailed each announcement and memo: [{"name", "email"}]
    partners: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: a retired series keeps its forums but takes no new ones
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    plans: Mapped[list["YearPlan"]] = relationship(
        back_populates="series", order_by="YearPlan.year", cascade="all, delete-orphan")


class YearPlan(Base):
    """One year of a series' annual clock: its themes, decision meetings and planned forums."""

    __tablename__ = "year_plans"
    __table_args__ = (sa.UniqueConstraint("series_id", "year"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(sa.ForeignKey("series.id", ondelete="CASCADE"))
    year: Mapped[int]
    #: Markdown; rendered sanitized
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)

    series: Mapped[Series] = relationship(back_populates="plans")
    themes: Mapped[list["PlanTheme"]] = relationship(
        back_populates="plan", order_by="PlanTheme.id", cascade="all, delete-orphan")
    meetings: Mapped[list["DecisionMeeting"]] = relationship(
        back_populates="plan", order_by="DecisionMeeting.meets_on", cascade="all, delete-orphan")
    slots: Mapped[list["PlannedSlot"]] = relationship(
        back_populates="plan", order_by="PlannedSlot.planned_on", cascade="all, delete-orphan")


class PlanTheme(Base):
    """A recurring theme of a year's plan and the months it is worked on."""

    __tablename__ = "plan_themes"
    __table_args__ = (sa.UniqueConstraint("plan_id", "theme"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("year_plans.id", ondelete="CASCADE"),
                                         index=True)
    theme: Mapped[Theme] = mapped_column(_enum(Theme))
    #: the months (1-12) the theme is on the clock
    months: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: what the forum feeds in that theme, plain text
    description: Mapped[str] = mapped_column(sa.Text, default="")

    plan: Mapped[YearPlan] = relationship(back_populates="themes")


class DecisionBody(enum.StrEnum):
    """Who decides what a theme feeds."""

    COUNCIL = "council"  # aluevaltuusto
    REGIONAL_GOVERNMENT = "regional_government"  # aluehallitus
    BOARD = "board"  # a lautakunta


class DecisionMeeting(Base):
    """A meeting of the county's decision calendar that a theme feeds (budget, strategy...)."""

    __tablename__ = "decision_meetings"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("year_plans.id", ondelete="CASCADE"),
                                         index=True)
    body: Mapped[DecisionBody] = mapped_column(_enum(DecisionBody))
    #: what is decided ("Talousarvio 2027")
    title: Mapped[str] = mapped_column(sa.String(200))
    meets_on: Mapped[dt.date]
    #: the theme whose forums feed it
    theme: Mapped[Theme] = mapped_column(_enum(Theme), default=Theme.OTHER)

    plan: Mapped[YearPlan] = relationship(back_populates="meetings")


class PlannedSlot(Base):
    """A forum planned on the clock; creating the forum from it fills in its theme and dates.

    ``extra`` marks a forum "when needed" beyond the plan: allowed, and shown as such.
    """

    __tablename__ = "planned_slots"
    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(sa.ForeignKey("year_plans.id", ondelete="CASCADE"),
                                         index=True)
    #: the planned day (Helsinki)
    planned_on: Mapped[dt.date]
    theme: Mapped[Theme] = mapped_column(_enum(Theme), default=Theme.OTHER)
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    extra: Mapped[bool] = mapped_column(default=False)
    #: the forum created from the slot
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("events.id", ondelete="SET NULL"), unique=True, default=None)

    plan: Mapped[YearPlan] = relationship(back_populates="slots")
    event: Mapped["Event | None"] = relationship()  # noqa: F821 - registration's Event


class MilestoneKey(enum.StrEnum):
    """A forum's dated milestones, in the order of the cycle."""

    ANNOUNCEMENT = "announcement"  # the forum on the website (the public feed)
    AGENDA = "agenda"  # agenda and material public, >= lead days before
    NEWSLETTER = "newsletter"  # the forum announced in a sent newsletter (notify)
    REGISTRATION_CLOSES = "registration_closes"
    REMINDER = "reminder"  # the day-before reminder written to the registrants
    EVENT = "event"  # the forum held
    COMMENTS_OPEN = "comments_open"  # feedback opened the comment windows (the event's start)
    COMMENTS_CLOSE = "comments_close"  # feedback closed them, >= comment days after
    RECORDING_PUBLISHED = "recording_published"
    RECORDING_CAPTIONED = "recording_captioned"  # within the caption days of publication
    RECORDING_EXPIRED = "recording_expired"  # the link taken down after the viewing days
    MEMO_DRAFTED = "memo_drafted"
    MEMO_REVIEWED = "memo_reviewed"  # the working group's sign-off
    MEMO_PUBLISHED = "memo_published"
    MEMO_DELIVERED = "memo_delivered"  # to the boards, the regional government, the presenters


class Milestone(Base):
    """One dated milestone of a forum: when it falls due, and when and how it was done.

    ``done_at`` is set only from evidence: by registration itself when the thing happened here
    (publication, reminders, the recording), or by the milestone consumer from another
    service's message (``source`` names the message topic, ``evidence`` holds its facts).
    """

    __tablename__ = "milestones"
    __table_args__ = (sa.UniqueConstraint("event_id", "key"),
                      sa.Index("ix_milestones_due", "done_at", "due_at"))
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("events.id", ondelete="CASCADE"))
    key: Mapped[MilestoneKey] = mapped_column(_enum(MilestoneKey))
    #: when it falls due (UTC); None until it can be known (the captions before the recording)
    due_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: when it happened (UTC), and who or what did it
    done_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    done_by: Mapped[str] = mapped_column(sa.String(254), default="")
    #: where the evidence came from: "registration" or the message topic ("memo.published")
    source: Mapped[str] = mapped_column(sa.String(60), default="")
    #: the evidence's facts (ids, counts, urls, an override's reason), plain JSON
    evidence: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: when the responsible role was emailed that it falls due, and that it is late
    due_notified_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    late_notified_at: Mapped[dt.datetime | None] = mapped_column(default=None)

    event: Mapped["Event"] = relationship(back_populates="milestones")  # noqa: F821
