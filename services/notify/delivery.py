"""Sending a campaign, the campaign's side: start it, freeze its recipients, revive dead lanes.

What holds (rule 3 of the house, and issue 4's sending rules; the lanes are :mod:`lanes`):

* **One row per (campaign, subscriber).** :func:`freeze` streams the confirmed, unsuppressed
  subscribers of the segment by id (keyset pages, never all at once) into QUEUED ``Delivery``
  rows, committing page by page; ``ON CONFLICT DO NOTHING`` makes a second freezer harmless.
* **Resume.** A lane refreshes its claim as it goes; a SENDING row whose claim is older than
  ``NEWSLETTER_LEASE_SECONDS`` belongs to a dead lane and :func:`recover` puts it back to QUEUED
  (only the one in flight can have been received: duplicates <= lanes killed). The surviving
  lanes call it as their leases end (see :mod:`lanes`), and :func:`prepare` calls it when a
  campaign is (re)started. Nothing else is ever reset, so no batch restarts and nobody is skipped.
* **Scheduling** is in the database: :func:`start_due` starts SCHEDULED campaigns whose time has
  come, and :func:`stalled` finds SENDING campaigns whose lanes all stopped beating (a whole
  worker killed); beat's tick runs both (no broker ETAs).
"""

import datetime as dt

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from services.notify import interests, newsletter_sent, rendering
from services.notify.models import (
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
    Subscriber,
    SubscriberStatus,
    db,
)
from shared.db import utcnow

#: subscribers read per page while freezing the recipients
FREEZE_PAGE = 500
#: rows a lane still has to deliver
OPEN = (DeliveryStatus.QUEUED, DeliveryStatus.SENDING, DeliveryStatus.RETRYING)


def setting(name):
    """A NEWSLETTER_* setting of the running app."""
    return current_app.config[f"NEWSLETTER_{name}"]


def start_due(now=None, campaign_id=None):
    """SCHEDULED campaigns whose time has come (or just ``campaign_id``) -> SENDING; their ids.

    Committed; two callers racing start a campaign once.
    """
    now = now or utcnow()
    query = sa.select(Campaign.id).where(Campaign.status == CampaignStatus.SCHEDULED,
                                         Campaign.scheduled_at <= now)
    if campaign_id is not None:
        query = query.where(Campaign.id == campaign_id)
    started = []
    for due_id in db.session.scalars(query).all():
        result = db.session.execute(
            sa.update(Campaign).where(Campaign.id == due_id,
                                      Campaign.status == CampaignStatus.SCHEDULED)
            .values(status=CampaignStatus.SENDING, started_at=sa.func.coalesce(
                Campaign.started_at, now))
            .execution_options(synchronize_session=False))
        if result.rowcount == 1:
            started.append(due_id)
    db.session.commit()
    return started


def stalled(now=None):
    """Ids of SENDING campaigns whose lanes have not beaten within the lease."""
    cutoff = (now or utcnow()) - dt.timedelta(seconds=setting("LEASE_SECONDS"))
    return db.session.scalars(sa.select(Campaign.id).where(
        Campaign.status == CampaignStatus.SENDING,
        sa.or_(Campaign.heartbeat_at.is_(None), Campaign.heartbeat_at < cutoff))).all()


def prepare(campaign_id, now=None):
    """Start it if due, freeze the recipients, recover dead claims; how many lanes to start.

    Committed. Returns 0 when the campaign is not SENDING or is finished (then it is SENT).
    """
    start_due(now, campaign_id)
    campaign = db.session.get(Campaign, campaign_id, populate_existing=True)
    if campaign is None or campaign.status != CampaignStatus.SENDING:
        return 0
    if campaign.recipients_frozen_at is None:
        freeze(campaign)
    recover(campaign_id, now)
    if finish_if_done(campaign_id):
        return 0
    beat(campaign_id)
    db.session.commit()
    return int(setting("CONNECTIONS"))


def freeze(campaign):
    """One QUEUED delivery per recipient of the segment, streamed by id and committed per page."""
    after = db.session.scalar(sa.select(sa.func.max(Delivery.subscriber_id))
                              .where(Delivery.campaign_id == campaign.id)) or 0
    while True:
        page = db.session.execute(
            sa.select(Subscriber.id, Subscriber.industries, Subscriber.regions, Subscriber.themes)
            .where(Subscriber.status == SubscriberStatus.CONFIRMED,
                   Subscriber.suppressed_at.is_(None), Subscriber.id > after)
            .order_by(Subscriber.id).limit(FREEZE_PAGE)).all()
        if not page:
            break
        rows = [{"campaign_id": campaign.id, "subscriber_id": s.id, "status": DeliveryStatus.QUEUED,
                 "attempts": 0} for s in page if interests.matches(campaign.segment, s)]
        if rows:
            db.session.execute(_insert_ignoring_duplicates(), rows)
        db.session.commit()
        after = page[-1].id
    campaign.recipients_frozen_at = utcnow()
    db.session.commit()


def _insert_ignoring_duplicates():
    """INSERT INTO deliveries ... ON CONFLICT DO NOTHING in the bound database's dialect."""
    insert = postgresql.insert if db.is_postgresql() else sqlite.insert
    return insert(Delivery).on_conflict_do_nothing(index_elements=["campaign_id", "subscriber_id"])


def recover(campaign_id, now=None):
    """Put SENDING rows whose claim outlived the lease back to QUEUED; returns how many."""
    cutoff = (now or utcnow()) - dt.timedelta(seconds=setting("LEASE_SECONDS"))
    result = db.session.execute(
        sa.update(Delivery).where(Delivery.campaign_id == campaign_id,
                                  Delivery.status == DeliveryStatus.SENDING,
                                  Delivery.claimed_at < cutoff)
        .values(status=DeliveryStatus.QUEUED, claim_token=None, claimed_at=None)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount


def beat(campaign_id):
    """Record that a lane is working on the campaign (flush only)."""
    db.session.execute(sa.update(Campaign).where(Campaign.id == campaign_id)
                       .values(heartbeat_at=utcnow()).execution_options(synchronize_session=False))


def finish_if_done(campaign_id):
    """Mark the campaign SENT once no delivery is open; True if it is finished now (committed).

    The run that marks it SENT writes ``notify.newsletter_sent`` in the same commit."""
    open_rows = db.session.scalar(sa.select(sa.func.count()).select_from(Delivery).where(
        Delivery.campaign_id == campaign_id, Delivery.status.in_(OPEN)))
    if open_rows:
        return False
    finished_at = utcnow()
    result = db.session.execute(
        sa.update(Campaign).where(Campaign.id == campaign_id,
                                  Campaign.status == CampaignStatus.SENDING,
                                  Campaign.recipients_frozen_at.is_not(None))
        .values(status=CampaignStatus.SENT, finished_at=finished_at)
        .execution_options(synchronize_session=False))
    if result.rowcount == 1:  # this run finished it: registration hears of it once
        newsletter_sent.announce(campaign_id, finished_at)
    db.session.commit()
    if result.rowcount == 1:
        rendering.archive(campaign_id)
        db.session.commit()
    return True
