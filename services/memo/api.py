"""The memo service's public JSON API under /api/v1 (OpenAPI at /api/v1/openapi.json).

Published memos and their follow-ups are public; drafting and review are staff endpoints
(:mod:`.api_staff`), the working group and the recipient list admin endpoints
(:mod:`.api_admin`). Errors keep the suite's format ``{"code", "message", "errors"}``.
"""

from flask import abort, jsonify
from flask_smorest import Blueprint

from services.memo import queries
from services.memo.models import db
from services.memo.schemas import (
    ErrorSchema,
    MemoSummarySchema,
    PublicFollowUpSchema,
    PublicMemoSchema,
    dump_public,
)
from shared.web import api as suite_api
from shared.web.errors import error_response
from shared.web.security import csrf

blp = Blueprint("memo_api", __name__, url_prefix="/api/v1",
                description="Published memos of the forums and the follow-up of their matters.")
csrf.exempt(blp)


def init_api(app):
    """Serve the public, staff and admin APIs and their OpenAPI document on ``app``."""
    from services.memo.api_admin import blp as admin_blp
    from services.memo.api_staff import blp as staff_blp

    return suite_api.init_api(app, "memo", blp, staff_blp, admin_blp)


def refused(exc):
    """The answer to a refused operation (a MemoError): nothing of it is kept."""
    db.session.rollback()
    return error_response(exc.status, exc.message)


@blp.route("/memos")
@blp.response(200, MemoSummarySchema(many=True))
def list_memos():
    """Published memos, the latest forum first."""
    return jsonify(MemoSummarySchema(many=True).dump(queries.published_memos()))


@blp.route("/memos/<int:memo_id>")
@blp.response(200, PublicMemoSchema)
@blp.alt_response(404, schema=ErrorSchema, description="No published memo")
def show_memo(memo_id):
    """A published memo: the text in force, who approved it, its publications and follow-ups."""
    memo = queries.public_memo(memo_id) or abort(404)
    version = memo.publication.version
    return jsonify(dump_public(memo, queries.follow_ups(memo), queries.approvals(version)))


@blp.route("/memos/<int:memo_id>/follow-ups")
@blp.response(200, PublicFollowUpSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema, description="No published memo")
def list_follow_ups(memo_id):
    """How each agenda item's matter is handled, with the log of changes."""
    memo = queries.public_memo(memo_id) or abort(404)
    return jsonify(PublicFollowUpSchema(many=True).dump(queries.follow_ups(memo)))
