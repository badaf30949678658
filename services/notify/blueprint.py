"""The notify service's URL table: public pages at /, staff pages at /staff, the API at /api/v1.

The pages a subscriber's secret link opens, the staff's plan calendar and the dev mailbox are
never stored by a cache (``no_store``); staff pages never are either (:mod:`shared.web.security`).
"""

from flask import Blueprint

from services.notify import api, archive, mailbox, public, staff, staff_plan
from services.notify.limits import limiter
from shared.web.input_guards import body_limit
from shared.web.ratelimit import public_form_limits
from shared.web.security import csrf, no_store

__all__ = ["limiter", "register_blueprints"]

limited = public_form_limits(limiter)
#: RFC 8058: a mail client's one-click POST carries no CSRF token; the link's secret is the proof
csrf.exempt(public.unsubscribe)

bp = Blueprint("notify_public", __name__, template_folder="templates")
bp.add_url_rule("/", view_func=public.index)
bp.add_url_rule("/subscribe", methods=["GET", "POST"], view_func=limited(public.subscribe))
bp.add_url_rule("/subscribe/confirm/<token>", methods=["GET", "POST"],
                view_func=no_store(public.confirm_subscription))
bp.add_url_rule("/preferences/<token>", methods=["GET", "POST"],
                view_func=no_store(public.preferences))
bp.add_url_rule("/unsubscribe/<token>", methods=["GET", "POST"],
                view_func=no_store(public.unsubscribe))
bp.add_url_rule("/archive", view_func=archive.list_newsletters)
bp.add_url_rule("/archive/<int:campaign_id>", view_func=archive.show_newsletter)
bp.add_url_rule("/feed.atom", view_func=archive.atom_feed)
#: the communications plan for staff calendars (a signed token in the URL, no login)
bp.add_url_rule("/plan/<token>.ics", view_func=no_store(staff_plan.plan_ical))

staff_bp = Blueprint("notify_staff", __name__, template_folder="templates")
staff_bp.add_url_rule("/campaigns", view_func=staff.list_campaigns)
#: the composer takes three long texts: up to NEWSLETTER_MAX_BYTES, where forms take FORM_MAX_BYTES
composer = body_limit("NEWSLETTER_MAX_BYTES")
staff_bp.add_url_rule("/campaigns/new", methods=["GET", "POST"],
                      view_func=composer(staff.new_campaign))
staff_bp.add_url_rule("/campaigns/<int:campaign_id>", view_func=staff.show_campaign)
staff_bp.add_url_rule("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"],
                      view_func=composer(staff.edit_campaign))
staff_bp.add_url_rule("/campaigns/<int:campaign_id>/preview", view_func=staff.preview_campaign)
staff_bp.add_url_rule("/plan", view_func=staff_plan.show_plan)
for action in ("test", "send", "approve", "pause", "resume", "cancel"):
    staff_bp.add_url_rule(f"/campaigns/<int:campaign_id>/{action}", methods=["POST"],
                          view_func=getattr(staff, f"{action}_campaign"))

#: the dev mailbox: every email the suite sent, readable in the browser (dev mode only)
mailbox_bp = Blueprint("notify_mailbox", __name__, template_folder="templates")
mailbox_bp.add_url_rule("/", view_func=no_store(mailbox.list_messages))
mailbox_bp.add_url_rule("/<int:email_id>", view_func=no_store(mailbox.show_message))
mailbox_bp.add_url_rule("/<int:email_id>/raw", view_func=no_store(mailbox.raw_message))
mailbox_bp.add_url_rule("/<int:email_id>/attachments/<int:index>",
                        view_func=no_store(mailbox.download_attachment))


def register_blueprints(app):
    """Public pages at /, staff at /staff, the API at /api/v1, the dev mailbox when it is on."""
    app.register_blueprint(bp)
    app.register_blueprint(staff_bp, url_prefix="/staff")
    api.init_api(app)
    if app.config["DEV_MAILBOX"]:
        app.register_blueprint(mailbox_bp, url_prefix="/dev/mailbox")
