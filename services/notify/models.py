"""The notify service's data: outgoing transactional emails and subscription requests."""

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from shared.db import Database, make_base, utcnow
from shared.outbox import outbox_models

Base = make_base()
db = Database("notify", Base)
OutboxMessage, ProcessedMessage = outbox_models(Base)


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
