"""The staff part of the notify API (role ``communications``): campaigns under /api/v1/campaigns.

List, compose (Finnish required, Swedish and English optional), send now or at a time (which may
wait for the second approver), follow the progress by delivery status, pause and resume. The
same operations as the staff pages, with the suite's error format; the session cookie is the
login (SameSite=Lax), and JSON bodies need ``Content-Type: application/json``.
"""

import sqlalchemy as sa
from flask import abort, jsonify
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from marshmallow import Schema, fields

from services.notify import campaigns, tasks
from services.notify.api import json_body_doc, status_answer
from services.notify.models import Campaign, db
from services.notify.schemas import (
    CampaignSchema,
    DeliveryCountsSchema,
    ErrorSchema,
    StatusSchema,
)
from shared.auth import Role, current_staff, login_required
from shared.db import utcnow
from shared.web.api import json_object
from shared.web.errors import error_response
from shared.web.fields import UtcDateTime
from shared.web.input_guards import body_limit
from shared.web.security import csrf

blp = Blueprint("notify_campaigns_api", __name__, url_prefix="/api/v1/campaigns",
                description="Newsletters for communications staff.")
csrf.exempt(blp)
communications = login_required(Role.COMMUNICATIONS)


class CampaignOutSchema(Schema):
    """A campaign as staff see it in the list."""

    id = fields.Integer()
    status = fields.Function(lambda c: c.status.value)
    content = fields.Dict()
    segment = fields.Dict()
    scheduled_at = fields.AwareDateTime(allow_none=True)
    created_by = fields.String()
    approved_by = fields.String(allow_none=True)
    pause_reason = fields.String(allow_none=True)
    review = fields.Method("_review", allow_none=True, metadata={
        "description": "set when a forum the newsletter mentions changed or was cancelled after "
                       "it was written (it was taken off the schedule): check it before sending"})

    def _review(self, campaign):
        """The review flag (what happened to which forum, and whether notify updated its own
        date line), or None."""
        if campaign.review_kind is None:
            return None
        return {"kind": campaign.review_kind, "flagged_at": campaign.review_flagged_at.isoformat()
                if campaign.review_flagged_at else None, "event_id": campaign.review_event_id,
                "forum_title": campaign.review_forum_title,
                "changed": list(campaign.review_changes or []), "reason": campaign.review_reason,
                "generated_text_updated": bool(campaign.review_block_updated)}


class SendSchema(Schema):
    """When to send: absent or null is now (UTC, ISO 8601)."""

    send_at = UtcDateTime(load_default=None, allow_none=True)


def _campaign(campaign_id):
    """The campaign, or 404."""
    return db.session.get(Campaign, campaign_id) or abort(404)


def _act(campaign, action, kick=False):
    """Run a campaigns operation, commit, maybe start the sending; 409 if the status forbids it."""
    try:
        action(campaign)
    except campaigns.SelfApproval:
        db.session.rollback()
        return error_response(409, _l("Someone else than the author must approve the newsletter."))
    except campaigns.CampaignError:
        db.session.rollback()
        return error_response(409)
    db.session.commit()
    if kick:
        tasks.kick(campaign.id)
    return status_answer(campaign.status.value, _l("Done."))


@blp.route("")
@blp.response(200, CampaignOutSchema(many=True))
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@communications
def list_campaigns():
    """Every campaign, the newest first."""
    rows = db.session.scalars(sa.select(Campaign).order_by(Campaign.id.desc()).limit(200)).all()
    return jsonify(CampaignOutSchema(many=True).dump(rows))


@blp.route("", methods=["POST"])
@blp.doc(**json_body_doc(CampaignSchema))
@blp.response(201, CampaignOutSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(413, schema=ErrorSchema, description="Request too large")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input, by field")
@communications
@body_limit("NEWSLETTER_MAX_BYTES")
def create_campaign():
    """Compose a newsletter as a draft."""
    campaign = campaigns.create(CampaignSchema().load(json_object()), current_staff().email)
    db.session.commit()
    return jsonify(CampaignOutSchema().dump(campaign)), 201


@blp.route("/<int:campaign_id>")
@blp.response(200, DeliveryCountsSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(404, schema=ErrorSchema, description="Unknown campaign")
@communications
def show_campaign(campaign_id):
    """A campaign's status and its deliveries counted by status."""
    campaign = _campaign(campaign_id)
    return jsonify(DeliveryCountsSchema().dump({
        "id": campaign.id, "status": campaign.status.value, "pause_reason": campaign.pause_reason,
        "counts": campaigns.delivery_counts(campaign.id)}))


@blp.route("/<int:campaign_id>/send", methods=["POST"])
@blp.doc(**json_body_doc(SendSchema))
@blp.response(200, StatusSchema)
@blp.alt_response(409, schema=ErrorSchema, description="Not a draft")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input, by field")
@communications
def send_campaign(campaign_id):
    """Send a draft now or at ``send_at``; with the approval switch on it waits for approval."""
    at = SendSchema().load(json_object())["send_at"]
    now = at is None or at <= utcnow()
    return _act(_campaign(campaign_id), lambda c: campaigns.request_send(c, at), kick=now)


@blp.route("/<int:campaign_id>/approve", methods=["POST"])
@blp.response(200, StatusSchema)
@blp.alt_response(409, schema=ErrorSchema, description="Not awaiting approval, or own campaign")
@communications
def approve_campaign(campaign_id):
    """Approve someone else's newsletter."""
    return _act(_campaign(campaign_id), lambda c: campaigns.approve(c, current_staff().email),
                kick=True)


@blp.route("/<int:campaign_id>/pause", methods=["POST"])
@blp.response(200, StatusSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(409, schema=ErrorSchema, description="Not sending or scheduled")
@communications
def pause_campaign(campaign_id):
    """Pause a campaign after the messages in flight."""
    return _act(_campaign(campaign_id), campaigns.pause)


@blp.route("/<int:campaign_id>/resume", methods=["POST"])
@blp.response(200, StatusSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(409, schema=ErrorSchema, description="Not paused")
@communications
def resume_campaign(campaign_id):
    """Resume a paused campaign from its delivery rows."""
    return _act(_campaign(campaign_id), campaigns.resume, kick=True)
