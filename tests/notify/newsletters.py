"""Builders and drivers for the newsletter tests: subscribers, campaigns, links from the outbox."""

import re

import sqlalchemy as sa

from services.notify import delivery, lanes
from services.notify.models import (
    Campaign,
    CampaignStatus,
    Delivery,
    OutboxMessage,
    Subscriber,
    SubscriberStatus,
    db,
)
from shared.db import utcnow
from shared.testing.waiting import wait_until
from shared.tokens import random_token

CONTENT = {
    "fi": {"subject": "Uutiskirje", "body": "Hei! **Syysfoorumi** on 14.10."},
    "sv": {"subject": "Nyhetsbrev", "body": "Hej! **Höstforumet** är 14.10."},
}


def add_subscribers(app, count, prefix="user", status=SubscriberStatus.CONFIRMED, **fields):
    """``count`` subscribers ``<prefix><n>@example.fi`` inserted in one go; returns the emails."""
    emails = [f"{prefix}{n}@example.fi" for n in range(count)]
    rows = [{"email": e, "token": random_token(), "status": status, "name": "", "organisation": "",
             "locale": fields.get("locale", "fi"), "industries": fields.get("industries", []),
             "regions": fields.get("regions", []), "themes": fields.get("themes", []),
             "source": "test", "created_at": utcnow(), "confirmed_at": utcnow()} for e in emails]
    with app.app_context():
        for start in range(0, len(rows), 500):
            db.session.execute(sa.insert(Subscriber), rows[start:start + 500])
        db.session.commit()
    return emails


def add_subscriber(app, email, **fields):
    """One confirmed subscriber; returns its token."""
    with app.app_context():
        subscriber = Subscriber(email=email, token=random_token(),
                                status=fields.pop("status", SubscriberStatus.CONFIRMED), **fields)
        db.session.add(subscriber)
        db.session.commit()
        return subscriber.token


def add_campaign(app, content=None, segment=None, status=CampaignStatus.SENDING):
    """A campaign ready to send (SENDING, started now); returns its id."""
    with app.app_context():
        campaign = Campaign(content=content or CONTENT, segment=segment or {},
                            created_by="viestinta@example.fi", status=status,
                            started_at=utcnow() if status == CampaignStatus.SENDING else None,
                            scheduled_at=utcnow())
        db.session.add(campaign)
        db.session.commit()
        return campaign.id


def drain(app, campaign_id, timeout=30.0):
    """Run the campaign's lanes in this process until it is no longer SENDING; its status."""
    with app.app_context():
        delivery.prepare(campaign_id)

    def one_round():
        with app.app_context():
            step, _seconds = lanes.send_batch(campaign_id)
            return step in ("stopped", "done")

    wait_until(one_round, timeout=timeout, interval=0.01, message="the campaign to finish")
    return campaign_status(app, campaign_id)


def campaign_status(app, campaign_id):
    """The campaign's status now."""
    with app.app_context():
        return db.session.scalar(sa.select(Campaign.status).where(Campaign.id == campaign_id))


def deliveries(app, campaign_id):
    """{email: (status, attempts)} of a campaign's deliveries."""
    with app.app_context():
        rows = db.session.execute(
            sa.select(Subscriber.email, Delivery.status, Delivery.attempts).join(Subscriber)
            .where(Delivery.campaign_id == campaign_id)).all()
        return {email: (status, attempts) for email, status, attempts in rows}


def outbox_emails(app, template=None):
    """The send_email payloads notify wrote to its own outbox, optionally of one template."""
    with app.app_context():
        payloads = db.session.scalars(sa.select(OutboxMessage.payload).order_by(OutboxMessage.id))
        return [p for p in payloads if template is None or p["template"] == template]


def confirm_token(app, email):
    """The token of the last confirmation link emailed to ``email``."""
    (payload, *_) = reversed([p for p in outbox_emails(app, "newsletter_confirm")
                              if p["to"] == email])
    return re.search(r"/subscribe/confirm/([^/?#]+)$", payload["context"]["confirm_url"]).group(1)


def subscriber_row(app, email):
    """The subscriber with ``email`` (detached), or None."""
    with app.app_context():
        return db.session.scalar(sa.select(Subscriber).where(Subscriber.email == email))
