"""A newsletter finished sending: tell registration which forums it announced.

:func:`announce` writes one ``notify.newsletter_sent`` message for a campaign, in the same
transaction whose conditional UPDATE marks the campaign SENT (:func:`delivery.finish_if_done`),
so it goes out exactly once. It names the forums whose announcement the newsletter was started
from (the campaign's announcement of kind EVENT; none for a newsletter of its own) and how many
subscribers it was sent to; registration records each forum's "announced in a newsletter"
milestone from it. Flush only.
"""

import sqlalchemy as sa

from services.notify import campaigns
from services.notify.models import (
    Announcement,
    AnnouncementKind,
    Campaign,
    Delivery,
    DeliveryStatus,
    OutboxMessage,
    db,
)
from shared.contracts import events
from shared.outbox import emit


def forum_ids(campaign):
    """The forums (registration's event ids) whose announcement the campaign carried."""
    if campaign.announcement_id is None:
        return []
    return list(db.session.scalars(sa.select(Announcement.source_id).where(
        Announcement.id == campaign.announcement_id,
        Announcement.kind == AnnouncementKind.EVENT)))


def sent_count(campaign_id):
    """How many subscribers the campaign was sent to."""
    return db.session.scalar(sa.select(sa.func.count(Delivery.id)).where(
        Delivery.campaign_id == campaign_id, Delivery.status == DeliveryStatus.SENT))


def announce(campaign_id, finished_at):
    """Write the campaign's ``notify.newsletter_sent`` message; returns the outbox row."""
    campaign = db.session.get(Campaign, campaign_id)
    _lang, content = campaigns.content_for(campaign, "fi")
    return emit(db.session, OutboxMessage, events.NEWSLETTER_SENT, campaign_id=campaign.id,
                subject=content.get("subject", ""), finished_at=finished_at.isoformat(),
                event_ids=forum_ids(campaign), recipients=sent_count(campaign.id))
