"""A campaign's life as the staff drive it: compose, approve, schedule or send now, pause, resume.

Flush only; the caller commits. The sending itself is :mod:`services.notify.delivery`. Status:
DRAFT -> (AWAITING_APPROVAL, when NEWSLETTER_APPROVAL_REQUIRED) -> SCHEDULED (``scheduled_at`` in
the database; beat starts it when due) -> SENDING <-> PAUSED -> SENT. A second approver must be
someone else than the author. A campaign flagged because its forum changed
(:mod:`campaign_review`) is cleared when the staff save it or send/schedule it again.
"""

import sqlalchemy as sa
from flask import current_app

from services.notify import campaign_review
from services.notify.models import Campaign, CampaignStatus, Delivery, DeliveryStatus, db
from services.notify.schemas import campaign_content
from shared.db import utcnow

EDITABLE = (CampaignStatus.DRAFT, CampaignStatus.AWAITING_APPROVAL)
CANCELLABLE = (CampaignStatus.DRAFT, CampaignStatus.AWAITING_APPROVAL, CampaignStatus.SCHEDULED,
               CampaignStatus.PAUSED)


class CampaignError(Exception):
    """The campaign's status does not allow this."""


class SelfApproval(CampaignError):
    """The author may not be the second approver."""


def approval_required():
    """Whether a second staff member must approve before a campaign goes out."""
    return bool(current_app.config["NEWSLETTER_APPROVAL_REQUIRED"])


def create(data, author):
    """A DRAFT campaign from CampaignSchema's ``data``, made by ``author`` (an email)."""
    campaign = Campaign(content=campaign_content(data), segment=_segment(data),
                        created_by=author, status=CampaignStatus.DRAFT,
                        announcement_id=data.get("announcement_id"))
    db.session.add(campaign)
    db.session.flush()
    return campaign


def _segment(data):
    """The segment dict without empty dimensions."""
    return {name: codes for name, codes in (data.get("segment") or {}).items() if codes}


def update(campaign, data):
    """Change a campaign's text and segment while it is a draft (an edit needs a new approval)."""
    _require(campaign, EDITABLE)
    campaign.content = campaign_content(data)
    campaign.segment = _segment(data)
    campaign.status = CampaignStatus.DRAFT
    campaign.approved_by = None
    campaign_review.clear(campaign)
    db.session.flush()
    return campaign


def _require(campaign, statuses):
    """Raise CampaignError unless the campaign is in one of ``statuses``."""
    if campaign.status not in statuses:
        raise CampaignError(campaign.status.value)


def request_send(campaign, at=None, now=None):
    """Send at ``at`` (or now): SCHEDULED, or AWAITING_APPROVAL when a second approver is needed."""
    _require(campaign, (CampaignStatus.DRAFT,))
    campaign.scheduled_at = at or now or utcnow()
    needs_approval = approval_required() and not campaign.approved_by
    campaign.status = CampaignStatus.AWAITING_APPROVAL if needs_approval else CampaignStatus.SCHEDULED
    campaign_review.clear(campaign)
    db.session.flush()
    return campaign


def approve(campaign, approver):
    """The second approver lets it go out at its scheduled time; the author may not approve."""
    _require(campaign, (CampaignStatus.AWAITING_APPROVAL,))
    if approver == campaign.created_by:
        raise SelfApproval(approver)
    campaign.approved_by = approver
    campaign.status = CampaignStatus.SCHEDULED
    db.session.flush()
    return campaign


def pause(campaign, reason=None):
    """Stop sending after the messages in flight; resume picks up where it stopped."""
    _require(campaign, (CampaignStatus.SENDING, CampaignStatus.SCHEDULED))
    campaign.status = CampaignStatus.PAUSED
    campaign.pause_reason = reason
    db.session.flush()
    return campaign


def resume(campaign):
    """Continue a paused campaign from its delivery rows (nobody twice, nobody skipped)."""
    _require(campaign, (CampaignStatus.PAUSED,))
    campaign.status = CampaignStatus.SENDING if campaign.started_at else CampaignStatus.SCHEDULED
    campaign.pause_reason = None
    campaign.resumed_at = utcnow()
    db.session.flush()
    return campaign


def cancel(campaign):
    """Give up a campaign that has not finished; what was sent stays recorded."""
    _require(campaign, CANCELLABLE)
    campaign.status = CampaignStatus.CANCELLED
    campaign.finished_at = utcnow()
    db.session.flush()
    return campaign


def delivery_counts(campaign_id):
    """{status: number of deliveries} of a campaign, every status present."""
    rows = db.session.execute(
        sa.select(Delivery.status, sa.func.count()).where(Delivery.campaign_id == campaign_id)
        .group_by(Delivery.status)
    ).all()
    counts = {status.value: 0 for status in DeliveryStatus}
    counts.update({status.value: number for status, number in rows})
    return counts


def content_for(campaign, locale):
    """(language, {"subject", "body"}) of the version for ``locale``, falling back to Finnish."""
    versions = campaign.content or {}
    lang = locale if locale in versions else "fi"
    return lang, versions.get(lang) or {"subject": "", "body": ""}
