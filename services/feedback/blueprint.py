"""The feedback service's URL table: public pages at /, staff pages at /staff, the API at /api/v1.

Staff pages are two blueprints by role: moderation (moderators) and forums (secretaries). The
confirmation page of a comment's emailed link is never stored by a cache (``no_store``); staff
pages never are either (:mod:`shared.web.security`).
"""

from flask import Blueprint

from services.feedback import api, public, staff, staff_forums
from services.feedback.limits import limiter
from shared.web.ratelimit import public_form_limits
from shared.web.security import no_store

__all__ = ["limiter", "register_blueprints"]

limited = public_form_limits(limiter)

bp = Blueprint("feedback_public", __name__, template_folder="templates")
bp.add_url_rule("/", view_func=public.index)
bp.add_url_rule("/topics/<int:topic_id>", view_func=public.show_topic)
bp.add_url_rule("/topics/<int:topic_id>/comments", methods=["POST"],
                view_func=limited(public.submit_comment))
bp.add_url_rule("/comments/<int:comment_id>/replies", methods=["POST"],
                view_func=limited(public.submit_reply))
bp.add_url_rule("/comments/<int:comment_id>/reply", view_func=public.reply_form)
bp.add_url_rule("/comments/<int:comment_id>/report", view_func=public.report_form)
bp.add_url_rule("/comments/<int:comment_id>/reports", methods=["POST"],
                view_func=limited(public.submit_report))
bp.add_url_rule("/confirm/<token>", methods=["GET", "POST"], view_func=no_store(public.confirm))

staff_bp = Blueprint("feedback_staff", __name__, template_folder="templates")
staff_bp.add_url_rule("/moderation", view_func=staff.moderation_queue)
staff_bp.add_url_rule("/moderation/bulk", methods=["POST"], view_func=staff.decide_bulk)
staff_bp.add_url_rule("/comments/<int:comment_id>", view_func=staff.show_comment)
staff_bp.add_url_rule("/comments/<int:comment_id>/decision", methods=["POST"],
                      view_func=staff.decide_comment)
staff_bp.add_url_rule("/audit", view_func=staff.audit_trail)

secretary_bp = Blueprint("feedback_secretary", __name__, template_folder="templates")
secretary_bp.add_url_rule("/forums", view_func=staff_forums.list_forums)
secretary_bp.add_url_rule("/topics/<int:topic_id>/window", methods=["POST"],
                          view_func=staff_forums.set_topic_window)
secretary_bp.add_url_rule("/forums/<int:forum_id>/comments.<fmt>",
                          view_func=staff_forums.export_forum)
secretary_bp.add_url_rule("/topics/<int:topic_id>/comments.<fmt>",
                          view_func=staff_forums.export_topic)


def register_blueprints(app):
    """Attach the public pages at /, staff pages at /staff and the API at /api/v1."""
    app.register_blueprint(bp)
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(secretary_bp, url_prefix="/staff")
    api.init_api(app)
