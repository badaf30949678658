"""The notify service's URL table."""

from flask import Blueprint

from services.notify import mailbox, public
from shared.web.ratelimit import make_limiter

limiter = make_limiter("notify")

bp = Blueprint("notify_public", __name__, template_folder="templates")
bp.add_url_rule("/", view_func=public.index)

#: the dev mailbox: every email the suite sent, readable in the browser (dev mode only)
mailbox_bp = Blueprint("notify_mailbox", __name__, template_folder="templates")
mailbox_bp.add_url_rule("/", view_func=mailbox.list_messages)
mailbox_bp.add_url_rule("/<int:email_id>", view_func=mailbox.show_message)
mailbox_bp.add_url_rule("/<int:email_id>/raw", view_func=mailbox.raw_message)
mailbox_bp.add_url_rule("/<int:email_id>/attachments/<int:index>",
                        view_func=mailbox.download_attachment)


def register_blueprints(app):
    """Public pages at /, the dev mailbox at /dev/mailbox when DEV_MAILBOX is on."""
    app.register_blueprint(bp)
    if app.config["DEV_MAILBOX"]:
        app.register_blueprint(mailbox_bp, url_prefix="/dev/mailbox")
