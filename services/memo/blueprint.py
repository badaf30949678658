"""The memo service's URL table: published memos (page and PDF) at /, the JSON API at /api/v1."""

from flask import Blueprint

from services.memo import api, public
from services.memo.staff_blueprint import staff_bp
from shared.web.ratelimit import make_limiter

limiter = make_limiter("memo")

bp = Blueprint("memo_public", __name__, template_folder="templates")


bp.add_url_rule("/", "index", view_func=public.list_memos)
bp.add_url_rule("/memos/<int:memo_id>", view_func=public.show_memo)
bp.add_url_rule("/memos/<int:memo_id>.pdf", view_func=public.memo_pdf)
bp.add_url_rule("/memos/<int:memo_id>/publications/<int:publication_id>",
                view_func=public.show_publication)
bp.add_url_rule("/memos/<int:memo_id>/publications/<int:publication_id>.pdf",
                view_func=public.publication_pdf)


def register_blueprints(app):
    """Public pages at /, staff pages at /staff, the public, staff and admin APIs under /api/v1."""
    app.register_blueprint(bp)
    app.register_blueprint(staff_bp, url_prefix="/staff")
    api.init_api(app)
