"""A subscriber's life: request, confirm by email (double opt-in), change, unsubscribe, suppress.

Flush only; the caller commits. A request creates (or re-opens) a PENDING subscriber and emails a
signed confirmation link (SUBSCRIBE_CONFIRM_HOURS, one use). Only CONFIRMED, unsuppressed
subscribers ever get a newsletter. Unsubscribing or a suppression also marks every delivery of
theirs that has not gone yet SUPPRESSED, so a send in progress passes them by.
"""

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from services.notify import emails
from services.notify.models import (
    Delivery,
    DeliveryStatus,
    Subscriber,
    SubscriberStatus,
    db,
    spent_tokens,
)
from shared import tokens
from shared.db import utcnow
from shared.validators import CONTROL

CONFIRM_PURPOSE = "subscribe_confirm"
#: what a subscription request may set on the subscriber
FIELDS = ("name", "organisation", "locale", "industries", "regions", "themes")
#: deliveries that have not been handed to SMTP yet
UNSENT = (DeliveryStatus.QUEUED, DeliveryStatus.RETRYING)


class NotConfirmable(Exception):
    """The subscriber is not waiting for a confirmation (already confirmed, or unsubscribed)."""

    def __init__(self, subscriber):
        super().__init__(subscriber.status.value)
        self.subscriber = subscriber


def confirm_hours():
    """How long a confirmation link lives."""
    return current_app.config["SUBSCRIBE_CONFIRM_HOURS"]


def by_email(email):
    """The subscriber with this (normalized) address, or None."""
    return db.session.scalar(sa.select(Subscriber).where(Subscriber.email == email))


def by_token(token):
    """The subscriber whose preferences/unsubscribe token this is, or None."""
    if not isinstance(token, str) or not token or len(token) > 64 or CONTROL.search(token):
        return None
    return db.session.scalar(sa.select(Subscriber).where(Subscriber.token == token))


def _new(email, source):
    """A PENDING subscriber for ``email``; the existing one if a concurrent request made it."""
    subscriber = Subscriber(email=email, token=tokens.random_token(), source=source,
                            status=SubscriberStatus.PENDING)
    try:
        with db.session.begin_nested():
            db.session.add(subscriber)
    except IntegrityError:
        return by_email(email)
    return subscriber


def request(values, source):
    """Start (or restart) the double opt-in for ``values["email"]``; returns (subscriber, emailed).

    ``values`` are what SubscribeSchema loaded (or a contract's subset). A confirmed or suppressed
    address is left as it is and nothing is emailed, so the answer never tells who subscribes.
    """
    email = values["email"]
    subscriber = by_email(email) or _new(email, source)
    if subscriber.suppressed_at is not None or subscriber.status == SubscriberStatus.CONFIRMED:
        return subscriber, False
    for name in FIELDS:
        if name in values:
            setattr(subscriber, name, values[name])
    subscriber.status = SubscriberStatus.PENDING
    db.session.flush()
    emails.subscription_confirm(subscriber, tokens.sign(CONFIRM_PURPOSE, subscriber_id=subscriber.id))
    return subscriber, True


def for_confirm_token(token):
    """(subscriber, token data) of a confirmation link; raises TokenExpired or TokenInvalid."""
    data = tokens.load(CONFIRM_PURPOSE, token, max_age=confirm_hours() * 3600)
    subscriber_id = data.get("subscriber_id")
    subscriber = db.session.get(Subscriber, subscriber_id) if isinstance(subscriber_id, int) else None
    if subscriber is None:
        raise tokens.TokenInvalid("no such subscriber")
    return subscriber, data


def confirm(token, now=None):
    """PENDING -> CONFIRMED by the emailed link, once. Returns the subscriber.

    Raises TokenExpired, TokenInvalid (bad or used) or NotConfirmable.
    """
    subscriber, data = for_confirm_token(token)
    if subscriber.status != SubscriberStatus.PENDING:
        raise NotConfirmable(subscriber)
    tokens.spend(db.session, spent_tokens, CONFIRM_PURPOSE, data)
    subscriber.status = SubscriberStatus.CONFIRMED
    subscriber.confirmed_at = now or utcnow()
    db.session.flush()
    return subscriber


def update_preferences(subscriber, data):
    """Change name, organisation, language and interests (PreferencesSchema's data)."""
    for name in FIELDS:
        if name in data:
            setattr(subscriber, name, data[name])
    db.session.flush()
    return subscriber


def _skip_unsent(subscriber_id):
    """Mark the subscriber's deliveries that have not gone yet SUPPRESSED."""
    db.session.execute(
        sa.update(Delivery)
        .where(Delivery.subscriber_id == subscriber_id, Delivery.status.in_(UNSENT))
        .values(status=DeliveryStatus.SUPPRESSED, retry_at=None)
        .execution_options(synchronize_session=False)
    )


def unsubscribe(subscriber, now=None):
    """Stop every newsletter to ``subscriber`` at once; unsubscribing twice changes nothing."""
    if subscriber.status != SubscriberStatus.UNSUBSCRIBED:
        subscriber.status = SubscriberStatus.UNSUBSCRIBED
        subscriber.unsubscribed_at = now or utcnow()
    _skip_unsent(subscriber.id)
    db.session.flush()
    return subscriber


def suppress(subscriber_id, reason, now=None):
    """Never send to this subscriber again (a hard bounce); their unsent deliveries are skipped."""
    db.session.execute(
        sa.update(Subscriber).where(Subscriber.id == subscriber_id,
                                    Subscriber.suppressed_at.is_(None))
        .values(suppressed_at=now or utcnow(), suppression_reason=reason[:2000])
        .execution_options(synchronize_session=False)
    )
    _skip_unsent(subscriber_id)
