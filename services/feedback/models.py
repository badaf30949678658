"""The feedback service's data: topics, comments, reports and the moderation audit trail."""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shared.db import Database, make_base, utcnow
from shared.outbox import outbox_models
from shared.tokens import spent_tokens_table

Base = make_base()
db = Database("feedback", Base)
OutboxMessage, ProcessedMessage = outbox_models(Base)
spent_tokens = spent_tokens_table(Base.metadata)


def _enum(kind):
    """A portable string column for a StrEnum."""
    return sa.Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class CommentStatus(enum.StrEnum):
    """A comment's life: only APPROVED comments are ever shown publicly."""

    UNCONFIRMED = "unconfirmed"  # waiting for the author's email confirmation (expires after 48 h)
    PENDING = "pending"  # confirmed, waiting in the moderation queue
    APPROVED = "approved"  # public
    REJECTED = "rejected"  # never public; the author was told why
    HIDDEN = "hidden"  # was public, hidden by a moderator after reports
    EXPIRED = "expired"  # never confirmed


class ReportReason(enum.StrEnum):
    """Why someone reported a visible comment."""

    OFF_TOPIC = "off_topic"
    INAPPROPRIATE = "inappropriate"
    PERSONAL_DATA = "personal_data"
    SPAM = "spam"
    OTHER = "other"


class ModerationAction(enum.StrEnum):
    """What a moderator decided (each decision is one append-only audit row)."""

    APPROVE = "approve"
    REJECT = "reject"
    HIDE = "hide"
    DISMISS_REPORTS = "dismiss_reports"


class Forum(Base):
    """A published event as feedback knows it (from ``event.published`` messages)."""

    __tablename__ = "forums"
    #: the registration service's event id
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(sa.String(200))
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    #: the event's public page
    url: Mapped[str] = mapped_column(sa.String(500))
    #: set when the ``feedback.window_opened`` message was written (its topics opened), once
    window_opened_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: set when the ``feedback.window_closed`` message was written (the last topic closed)
    window_closed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: the forum's published memo, as memo announced it (``memo.published``); each topic links it
    memo_url: Mapped[str | None] = mapped_column(sa.String(500), default=None)
    #: when the newest applied ``event.published`` or ``event.changed`` happened (an older,
    #: late message is ignored)
    announced_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: when registration cancelled the forum (``event.cancelled``): its topics are closed, no
    #: memo is drafted from it, and later announcements of it change nothing
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: the least days its topics stay open after it ends, from its series (``event.published``);
    #: None: the settings' POLICY_COMMENT_WINDOW_MIN_DAYS
    comment_window_days: Mapped[int | None] = mapped_column(default=None)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    topics: Mapped[list["Topic"]] = relationship(back_populates="forum", order_by="Topic.position")


class Topic(Base):
    """One agenda item open for comments; its window closes no earlier than the policy allows."""

    __tablename__ = "topics"
    __table_args__ = (sa.UniqueConstraint("agenda_item_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    forum_id: Mapped[int] = mapped_column(sa.ForeignKey("forums.id", ondelete="CASCADE"), index=True)
    #: the registration service's agenda item id
    agenda_item_id: Mapped[int]
    position: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(sa.String(200))
    #: Markdown from the agenda item
    description: Mapped[str] = mapped_column(sa.Text, default="")
    presenter_name: Mapped[str] = mapped_column(sa.String(200), default="")
    #: links to the background material (registration serves the files)
    material_urls: Mapped[list] = mapped_column(sa.JSON, default=list)
    #: the comment window (UTC): opens at the forum's start; closes when the secretary set it,
    #: never earlier than the forum's comment days (its series') after the forum ends
    opens_at: Mapped[dt.datetime]
    closes_at: Mapped[dt.datetime]
    #: the close time the secretary chose (None: the policy's floor); kept so that a moved
    #: event recomputes ``closes_at`` as max(this, the new floor)
    requested_closes_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: the agenda item was removed from the published agenda
    withdrawn: Mapped[bool] = mapped_column(default=False)
    #: goes up, in the same transaction, with every insert, update or delete of an approved
    #: comment of the topic (or of one becoming approved): database triggers of the migration
    #: ``topic_comments_version`` do it, so no writer can forget. The key of the cached public
    #: comment list (``public.comment_list``), which so never outlives a moderation decision.
    comments_version: Mapped[int] = mapped_column(default=0, server_default="0")

    forum: Mapped[Forum] = relationship(back_populates="topics")


class Comment(Base):
    """A provider's comment on a topic, or a reply to an approved comment (one level)."""

    __tablename__ = "comments"
    __table_args__ = (
        sa.Index("ix_comments_status_submitted", "status", "submitted_at", "id"),
        sa.Index("ix_comments_topic_status", "topic_id", "status", "approved_at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id", ondelete="CASCADE"))
    #: the approved comment this replies to; replies to replies are not allowed
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("comments.id", ondelete="CASCADE"), default=None, index=True
    )
    author_name: Mapped[str] = mapped_column(sa.String(200))
    #: never shown publicly; lowercased
    author_email: Mapped[str] = mapped_column(sa.String(254), index=True)
    organisation: Mapped[str] = mapped_column(sa.String(200))
    business_id: Mapped[str | None] = mapped_column(sa.String(9), default=None)
    #: the author speaks for the organisation
    on_behalf_of_organisation: Mapped[bool] = mapped_column(default=False)
    #: Markdown source; shown only rendered through nh3
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[CommentStatus] = mapped_column(_enum(CommentStatus))
    #: possible personal data found in the text (email address, henkilötunnus) for the moderator
    personal_data_flag: Mapped[str | None] = mapped_column(sa.String(200), default=None)
    #: the language the author used (emails go out in it)
    locale: Mapped[str] = mapped_column(sa.String(2), default="fi")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: when the author confirmed by email: the queue's order and waiting time start here
    submitted_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    approved_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: the reason given to the author on rejection, or recorded on hiding
    decision_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)

    topic: Mapped[Topic] = relationship()
    replies: Mapped[list["Comment"]] = relationship(order_by="Comment.approved_at")


class Report(Base):
    """Someone reported a visible comment; open until a moderator hides it or dismisses reports."""

    __tablename__ = "reports"
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(sa.ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    reason: Mapped[ReportReason] = mapped_column(_enum(ReportReason))
    #: free text (required with OTHER)
    details: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: set when a moderator acted on it
    resolved_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class ModerationDecision(Base):
    """The append-only audit trail: who decided what about which comment, when and why."""

    __tablename__ = "moderation_decisions"
    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(sa.ForeignKey("comments.id", ondelete="CASCADE"), index=True)
    action: Mapped[ModerationAction] = mapped_column(_enum(ModerationAction))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: the staff user (id and email at the time of the decision)
    moderator_id: Mapped[int]
    moderator_email: Mapped[str] = mapped_column(sa.String(254))
    decided_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class AuditTrailIsAppendOnly(RuntimeError):
    """Something tried to change or delete a moderation decision (the database refuses too)."""


@sa.event.listens_for(ModerationDecision, "before_update")
@sa.event.listens_for(ModerationDecision, "before_delete")
def _refuse_audit_changes(_mapper, _connection, target):
    """The ORM never updates or deletes an audit row; the migration's triggers back this up."""
    raise AuditTrailIsAppendOnly(f"moderation decision {target.id} cannot be changed")

