"""The notify service's data: outgoing transactional emails and subscription requests."""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Database, make_base, utcnow
from shared.outbox import outbox_models
from shared.tokens import spent_tokens_table

Base = make_base()
db = Database("notify", Base)
OutboxMessage, ProcessedMessage = outbox_models(Base)
#: one-time tokens already used (the double opt-in links)
spent_tokens = spent_tokens_table(Base.metadata)


class EmailStatus(enum.StrEnum):
    """Where one email to one recipient is."""

    QUEUED = "queued"  # recorded, not yet handed to SMTP
    SENDING = "sending"  # claimed by a worker; a crash here is not retried (at most once)
    SENT = "sent"  # the SMTP server answered 250
    RETRYING = "retrying"  # a 4xx or dropped connection; retried with backoff
    FAILED = "failed"  # a 5xx (hard bounce) or retries exhausted


class OutgoingEmail(Base):
    """One transactional email to one recipient; (message_id, recipient) is sent at most once."""

    __tablename__ = "outgoing_emails"
    __table_args__ = (sa.UniqueConstraint("message_id", "recipient"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    #: the contract message's id
    message_id: Mapped[str] = mapped_column(sa.String(36))
    #: the address it goes to, lowercased
    recipient: Mapped[str] = mapped_column(sa.String(254))
    #: the template it was rendered from, and in which language
    template: Mapped[str] = mapped_column(sa.String(100))
    locale: Mapped[str] = mapped_column(sa.String(2))
    subject: Mapped[str] = mapped_column(sa.String(300))
    #: the whole MIME message as sent
    mime: Mapped[bytes] = mapped_column(sa.LargeBinary, deferred=True)
    status: Mapped[EmailStatus] = mapped_column(
        sa.Enum(EmailStatus, native_enum=False, length=20,
                values_callable=lambda e: [m.value for m in e]),
        default=EmailStatus.QUEUED,
    )
    attempts: Mapped[int] = mapped_column(default=0)
    #: the SMTP server's last error reply
    last_error: Mapped[str | None] = mapped_column(sa.Text, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class SubscriptionRequest(Base):
    """A request to receive the newsletter, waiting for the subscriber's double opt-in."""

    __tablename__ = "subscription_requests"
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    locale: Mapped[str] = mapped_column(sa.String(2), default="fi")
    #: where the request came from (e.g. ``registration:12``)
    source: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


def _enum(kind):
    """A portable string column for a StrEnum."""
    return sa.Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


class SubscriberStatus(enum.StrEnum):
    """A subscriber's consent: only CONFIRMED subscribers get newsletters."""

    PENDING = "pending"  # asked, has not confirmed by email yet
    CONFIRMED = "confirmed"
    UNSUBSCRIBED = "unsubscribed"


class Subscriber(Base):
    """Someone who asked for the providers' newsletter (double opt-in)."""

    __tablename__ = "subscribers"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: lowercased; one row per address
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    #: the language newsletters go out in (falling back to Finnish)
    locale: Mapped[str] = mapped_column(sa.String(2), default="fi")
    #: interests for segments: industries, regions and annual-clock themes (lists of codes)
    industries: Mapped[list] = mapped_column(sa.JSON, default=list)
    regions: Mapped[list] = mapped_column(sa.JSON, default=list)
    themes: Mapped[list] = mapped_column(sa.JSON, default=list)
    status: Mapped[SubscriberStatus] = mapped_column(
        _enum(SubscriberStatus), default=SubscriberStatus.PENDING
    )
    #: a hard bounce or a complaint: never sent to again, whatever the status
    suppressed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    suppression_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    #: the secret of the preferences and unsubscribe links
    token: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: where the request came from (``subscribe-page``, ``registration:12``)
    source: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    unsubscribed_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class CampaignStatus(enum.StrEnum):
    """A newsletter's life."""

    DRAFT = "draft"
    AWAITING_APPROVAL = "awaiting_approval"  # a second approver must approve (settings switch)
    SCHEDULED = "scheduled"  # beat starts it at scheduled_at
    SENDING = "sending"
    PAUSED = "paused"  # by staff, or by itself when the error rate passed the threshold
    SENT = "sent"
    CANCELLED = "cancelled"


class Campaign(Base):
    """A newsletter: Markdown in Finnish with optional Swedish and English versions."""

    __tablename__ = "campaigns"
    id: Mapped[int] = mapped_column(primary_key=True)
    #: {"fi": {"subject": ..., "body": ...}, "sv": {...}, "en": {...}}; fi is required
    content: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: {"industries": [...], "regions": [...], "themes": [...]}; empty = all confirmed subscribers
    segment: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[CampaignStatus] = mapped_column(_enum(CampaignStatus), default=CampaignStatus.DRAFT)
    scheduled_at: Mapped[dt.datetime | None] = mapped_column(default=None, index=True)
    created_by: Mapped[str] = mapped_column(sa.String(254))
    approved_by: Mapped[str | None] = mapped_column(sa.String(254), default=None)
    #: why it paused itself (error rate), for the staff
    pause_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    started_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    finished_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: set once every recipient has a delivery row (resume never re-creates them)
    recipients_frozen_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: the forum announcement it was started from (the plan's "announcement" milestone)
    announcement_id: Mapped[int | None] = mapped_column(default=None, index=True)
    #: when staff last resumed it; the error rate counts only the attempts since then
    resumed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: the last time a sending lane worked on it; a stale one means the lanes died
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: a forum it mentions changed (``changed``), became a targeted session (``targeted``) or was
    #: cancelled (``cancelled``) after it was written: the staff must check it (:mod:`campaign_review`);
    #: None when there is nothing to check. Cleared when the staff save or reschedule it.
    review_kind: Mapped[str | None] = mapped_column(sa.String(20), default=None)
    #: when the flag was raised (the newest change's arrival)
    review_flagged_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: the forum (registration's event id) and its title as the change gave it
    review_event_id: Mapped[int | None] = mapped_column(default=None)
    review_forum_title: Mapped[str | None] = mapped_column(sa.String(300), default=None)
    #: what changed (the contract's field names: ``starts_at``, ``venue``, ...); [] for a cancellation
    review_changes: Mapped[list | None] = mapped_column(sa.JSON, default=None)
    #: the staff member's reason for the change or the cancellation, as registration gave it
    review_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    #: notify replaced the date line it had generated itself with the new one
    review_block_updated: Mapped[bool] = mapped_column(default=False)


class DeliveryStatus(enum.StrEnum):
    """One newsletter to one subscriber."""

    QUEUED = "queued"
    SENDING = "sending"  # in flight; a crash here may re-send to at most the in-flight ones
    SENT = "sent"  # committed right after the SMTP server's 250
    RETRYING = "retrying"  # 4xx: retried with backoff up to a limit
    BOUNCED = "bounced"  # 5xx: hard bounce; the address is suppressed
    SUPPRESSED = "suppressed"  # unsubscribed or suppressed before it was sent: skipped
    FAILED = "failed"  # retries exhausted


class Delivery(Base):
    """(campaign, subscriber) is one row: the newsletter is sent to a subscriber at most once."""

    __tablename__ = "deliveries"
    __table_args__ = (
        sa.UniqueConstraint("campaign_id", "subscriber_id"),
        sa.Index("ix_deliveries_campaign_status", "campaign_id", "status", "id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(sa.ForeignKey("campaigns.id", ondelete="CASCADE"))
    subscriber_id: Mapped[int] = mapped_column(sa.ForeignKey("subscribers.id", ondelete="CASCADE"))
    status: Mapped[DeliveryStatus] = mapped_column(_enum(DeliveryStatus), default=DeliveryStatus.QUEUED)
    attempts: Mapped[int] = mapped_column(default=0)
    #: the SMTP server's last reply on failure
    last_error: Mapped[str | None] = mapped_column(sa.Text, default=None)
    #: when a RETRYING delivery may be tried again (UTC)
    retry_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    sent_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: the sending lane's claim: a SENDING row whose claim is older than the lease is re-queued
    claim_token: Mapped[str | None] = mapped_column(sa.String(32), default=None)
    claimed_at: Mapped[dt.datetime | None] = mapped_column(default=None)


class AnnouncementKind(enum.StrEnum):
    """What an announcement is about."""

    EVENT = "event"  # a forum was published
    MEMO = "memo"  # a memo was published
    NEWSLETTER = "newsletter"  # a newsletter was sent (archive and feed)


class Announcement(Base):
    """An item of the public Atom feed, and a draft block for the newsletter composer."""

    __tablename__ = "announcements"
    __table_args__ = (sa.UniqueConstraint("kind", "source_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[AnnouncementKind] = mapped_column(_enum(AnnouncementKind))
    #: the event id, memo id or campaign id it comes from
    source_id: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    url: Mapped[str] = mapped_column(sa.String(500))
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: withdrawn from the feed and the composer (the forum became a targeted session)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: a forum's series' newsletter segment (``{"themes": ["budget"]}``), a newsletter started
    #: from it targets by default; None or {}: everyone
    segment: Mapped[dict | None] = mapped_column(sa.JSON, default=None)


class PlannedForum(Base):
    """A published forum as the communications plan knows it (from ``event.published``)."""

    __tablename__ = "planned_forums"
    #: the registration service's event id
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(sa.String(200))
    theme: Mapped[str] = mapped_column(sa.String(20))
    starts_at: Mapped[dt.datetime]
    ends_at: Mapped[dt.datetime]
    url: Mapped[str] = mapped_column(sa.String(500))
    published_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    #: unused: neither read nor written since the plan shows registration's milestones (its API);
    #: kept until a migration drops it
    milestones_done: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: when registration cancelled it (``event.cancelled``), and why: the plan shows it
    #: cancelled, and later announcements of it change nothing
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    cancel_reason: Mapped[str | None] = mapped_column(sa.Text, default=None)
    #: it became a targeted session: the plan leaves it out (targeted sessions are not public)
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    #: when the newest applied ``event.changed`` happened (an older, late message is ignored)
    changed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
