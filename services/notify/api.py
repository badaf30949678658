"""The notify service's JSON API under /api/v1, described by OpenAPI at /api/v1/openapi.json.

Public endpoints: subscribe (202: the address is confirmed by email), confirm with the emailed
token, unsubscribe with the newsletter's token, the archive of sent newsletters and the feed of
announcements. Staff (communications) use :mod:`api_campaigns` under the same prefix.
Errors keep the suite's format (``{"code", "message", "errors": {field: [messages]}}``) in the
request's language; the answer to subscribe never tells whether the address was known.
"""

from flask import abort, jsonify
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from services.notify import announcements, archive, campaigns, links, subscribers
from services.notify.limits import limiter
from services.notify.models import db
from services.notify.schemas import (
    AnnouncementSchema,
    ErrorSchema,
    NewsletterSchema,
    StatusSchema,
    SubscribeSchema,
    TokenSchema,
)
from shared import tokens
from shared.web import api as suite_api
from shared.web.errors import error_response
from shared.web.ratelimit import public_form_limits
from shared.web.security import csrf

HONEYPOT = "website"
AWAITING = _l("If the address can receive the newsletter, we have emailed it a link to confirm "
              "the subscription. Nothing is sent before you confirm.")

blp = Blueprint("notify_api", __name__, url_prefix="/api/v1",
                description="Newsletter subscriptions, and campaign progress for staff.")
csrf.exempt(blp)


def init_api(app):
    """Serve the public API and the staff's campaign API (its own module) on ``app``."""
    from services.notify.api_campaigns import blp as campaigns_blp

    return suite_api.init_api(app, "notify", blp, campaigns_blp)


def status_answer(status, message, code=200):
    """A StatusSchema answer."""
    return jsonify(StatusSchema().dump({"status": status, "message": str(message)})), code


def json_body_doc(schema):
    """The OpenAPI requestBody of a JSON endpoint."""
    return {"requestBody": {"required": True,
                            "content": {"application/json": {"schema": schema}}}}


@blp.route("/subscribers", methods=["POST"])
@blp.doc(**json_body_doc(SubscribeSchema))
@blp.response(202, StatusSchema)
@blp.alt_response(400, schema=ErrorSchema, description="Not a JSON object")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input, by field")
@blp.alt_response(429, schema=ErrorSchema, description="Too many attempts")
@public_form_limits(limiter)
def create_subscriber():
    """Subscribe to the newsletter; the address is confirmed from an email (double opt-in)."""
    body = suite_api.json_object()
    if not body.pop(HONEYPOT, None):
        subscribers.request(SubscribeSchema().load(body), "api")
        db.session.commit()
    return status_answer("awaiting_confirmation", AWAITING, 202)


@blp.route("/subscribers/confirm", methods=["POST"])
@blp.doc(**json_body_doc(TokenSchema))
@blp.response(200, StatusSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown or used token")
@blp.alt_response(410, schema=ErrorSchema, description="Expired token")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input, by field")
def confirm_subscriber():
    """Confirm a subscription with the token of the emailed link (once)."""
    token = TokenSchema().load(suite_api.json_object())["token"]
    try:
        subscriber = subscribers.confirm(token)
    except tokens.TokenExpired:
        return error_response(410, _l("The confirmation link has expired. Please subscribe again."))
    except tokens.TokenInvalid:
        abort(404)
    except subscribers.NotConfirmable as exc:
        db.session.rollback()
        return status_answer(exc.subscriber.status.value, _l("Nothing to confirm."))
    db.session.commit()
    return status_answer(subscriber.status.value, _l("Your subscription is confirmed."))


@blp.route("/subscribers/unsubscribe", methods=["POST"])
@blp.doc(**json_body_doc(TokenSchema))
@blp.response(200, StatusSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown token")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input, by field")
def unsubscribe_subscriber():
    """Unsubscribe with the token of a newsletter's unsubscribe link."""
    token = TokenSchema().load(suite_api.json_object())["token"]
    subscriber = subscribers.by_token(token) or abort(404)
    subscribers.unsubscribe(subscriber)
    db.session.commit()
    return status_answer("unsubscribed", _l("You will not receive the newsletter any more."))


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
