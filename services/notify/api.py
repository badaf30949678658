"""The notify service's JSON API under /api/v1, described by OpenAPI at /api/v1/openapi.json.

Public endpoints: subscribe (202: the address is confirmed by email), confirm with the emailed
token, unsubscribe with the newsletter's token, the archive of sent newsletters and the feed of
announcements. Staff (communications): a campaign's progress, pause and resume.
Errors keep the suite's format (``{"code", "message", "errors": {field: [messages]}}``) in the
request's language; the answer to subscribe never tells whether the address was known.
"""

from flask import abort, jsonify, request
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_smorest import Api, Blueprint
from werkzeug.exceptions import BadRequest

from services.notify import announcements, archive, campaigns, links, subscribers, tasks
from services.notify.limits import limiter
from services.notify.models import Campaign, db
from services.notify.schemas import (
    AnnouncementSchema,
    DeliveryCountsSchema,
    ErrorSchema,
    NewsletterSchema,
    StatusSchema,
    SubscribeSchema,
    TokenSchema,
)
from shared import tokens
from shared.auth import Role, login_required
from shared.web.errors import error_response, init_errors
from shared.web.ratelimit import public_form_limits
from shared.web.security import csrf

HONEYPOT = "website"
AWAITING = _l("If the address can receive the newsletter, we have emailed it a link to confirm "
              "the subscription. Nothing is sent before you confirm.")

blp = Blueprint("notify_api", __name__, url_prefix="/api/v1",
                description="Newsletter subscriptions, and campaign progress for staff.")
csrf.exempt(blp)


class NotifyApi(Api):
    """flask-smorest's Api with the suite's error format documented."""

    ERROR_SCHEMA = ErrorSchema


def init_api(app):
    """Serve the API and its OpenAPI document on ``app`` (the suite's error handlers last)."""
    app.config.update(
        API_TITLE="foorumi notify", API_VERSION="v1", OPENAPI_VERSION="3.0.3",
        OPENAPI_URL_PREFIX="/api/v1", OPENAPI_JSON_PATH="openapi.json",
    )
    api = NotifyApi(app)
    api.register_blueprint(blp)
    init_errors(app)
    return api


def _json_object():
    """The request's JSON object; 400 for anything else."""
    request.get_data(cache=True)
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        exc = BadRequest()
        exc.user_message = _l("Send the data as a JSON object (Content-Type: application/json).")
        raise exc
    return body


def _status(status, message, code=200):
    """A StatusSchema answer."""
    return jsonify(StatusSchema().dump({"status": status, "message": str(message)})), code


def _doc(schema):
    """The OpenAPI requestBody of a JSON endpoint."""
    return {"requestBody": {"required": True,
                            "content": {"application/json": {"schema": schema}}}}


@blp.route("/subscribers", methods=["POST"])
@blp.doc(**_doc(SubscribeSchema))
@blp.response(202, StatusSchema)
@blp.alt_response(400, schema=ErrorSchema, description="Not a JSON object")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input, by field")
@blp.alt_response(429, schema=ErrorSchema, description="Too many attempts")
@public_form_limits(limiter)
def create_subscriber():
    """Subscribe to the newsletter; the address is confirmed from an email (double opt-in)."""
    body = _json_object()
    if not body.pop(HONEYPOT, None):
        subscribers.request(SubscribeSchema().load(body), "api")
        db.session.commit()
    return _status("awaiting_confirmation", AWAITING, 202)


@blp.route("/subscribers/confirm", methods=["POST"])
@blp.doc(**_doc(TokenSchema))
@blp.response(200, StatusSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown or used token")
@blp.alt_response(410, schema=ErrorSchema, description="Expired token")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input, by field")
def confirm_subscriber():
    """Confirm a subscription with the token of the emailed link (once)."""
    token = TokenSchema().load(_json_object())["token"]
    try:
        subscriber = subscribers.confirm(token)
    except tokens.TokenExpired:
        return error_response(410, _l("The confirmation link has expired. Please subscribe again."))
    except tokens.TokenInvalid:
        abort(404)
    except subscribers.NotConfirmable as exc:
        db.session.rollback()
        return _status(exc.subscriber.status.value, _l("Nothing to confirm."))
    db.session.commit()
    return _status(subscriber.status.value, _l("Your subscription is confirmed."))


@blp.route("/subscribers/unsubscribe", methods=["POST"])
@blp.doc(**_doc(TokenSchema))
@blp.response(200, StatusSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown token")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input, by field")
def unsubscribe_subscriber():
    """Unsubscribe with the token of a newsletter's unsubscribe link."""
    token = TokenSchema().load(_json_object())["token"]
    subscriber = subscribers.by_token(token) or abort(404)
    subscribers.unsubscribe(subscriber)
    db.session.commit()
    return _status("unsubscribed", _l("You will not receive the newsletter any more."))


@blp.route("/campaigns/<int:campaign_id>")
@blp.response(200, DeliveryCountsSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(404, schema=ErrorSchema, description="Unknown campaign")
@login_required(Role.COMMUNICATIONS)
def show_campaign(campaign_id):
    """A campaign's status and its deliveries counted by status (staff)."""
    campaign = db.session.get(Campaign, campaign_id) or abort(404)
    return jsonify(DeliveryCountsSchema().dump({
        "id": campaign.id, "status": campaign.status.value, "pause_reason": campaign.pause_reason,
        "counts": campaigns.delivery_counts(campaign.id)}))


@blp.route("/newsletters")
@blp.response(200, NewsletterSchema(many=True))
def list_newsletters():
    """The archive: sent newsletters, newest first, in the request's language (or Finnish)."""
    locale = str(get_locale())
    items = []
    for campaign in archive.sent():
        lang, version = campaigns.content_for(campaign, locale)
        items.append({"id": campaign.id, "language": lang, "subject": version["subject"],
                      "body_markdown": version["body"], "sent_at": campaign.finished_at,
                      "url": links.campaign_url(campaign.id)})
    return jsonify(NewsletterSchema(many=True).dump(items))


@blp.route("/announcements")
@blp.response(200, AnnouncementSchema(many=True))
def list_announcements():
    """The feed: published forums and sent newsletters, newest first (also as Atom)."""
    return jsonify(AnnouncementSchema(many=True).dump(announcements.feed()))


def _staff_action(campaign_id, action, kick=False):
    """Run a campaigns operation for staff; 409 when the status does not allow it."""
    campaign = db.session.get(Campaign, campaign_id) or abort(404)
    try:
        action(campaign)
    except campaigns.CampaignError:
        db.session.rollback()
        return error_response(409)
    db.session.commit()
    if kick:
        tasks.kick(campaign_id)
    return _status(campaign.status.value, _l("Done."))


@blp.route("/campaigns/<int:campaign_id>/pause", methods=["POST"])
@blp.response(200, StatusSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(409, schema=ErrorSchema, description="Not sending or scheduled")
@login_required(Role.COMMUNICATIONS)
def pause_campaign(campaign_id):
    """Pause a campaign after the messages in flight (staff)."""
    return _staff_action(campaign_id, campaigns.pause)


@blp.route("/campaigns/<int:campaign_id>/resume", methods=["POST"])
@blp.response(200, StatusSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(409, schema=ErrorSchema, description="Not paused")
@login_required(Role.COMMUNICATIONS)
def resume_campaign(campaign_id):
    """Resume a paused campaign from its delivery rows (staff)."""
    return _staff_action(campaign_id, campaigns.resume, kick=True)
