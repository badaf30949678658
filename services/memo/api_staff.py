"""The staff side of the memo API under /api/v1/staff: drafting, versions, review, publication.

Role checks on every route: a secretary drafts, edits, submits, publishes and keeps follow-ups;
the working group reads and signs off (admins may do everything).
"""

from flask import abort, jsonify, request
from flask_smorest import Blueprint

from services.memo import drafting, followups, publishing, queries, review, versions
from services.memo.api import refused
from services.memo.errors import MemoError
from services.memo.models import Decision, FollowUp, Memo, db
from services.memo.schemas import (
    DiffSchema,
    ErrorSchema,
    FollowUpInput,
    HistorySchema,
    PublicFollowUpSchema,
    RoundSchema,
    SignOffInput,
    SignOffSchema,
    StaffMemoSchema,
    VersionInput,
    VersionSchema,
)
from shared.auth import Role, current_staff, login_required
from shared.web import api as suite_api
from shared.web.security import csrf

blp = Blueprint("memo_staff_api", __name__, url_prefix="/api/v1/staff",
                description="Drafting and review of memos (secretaries and the working group).")
csrf.exempt(blp)

secretary = login_required(Role.SECRETARY)
reader = login_required(Role.SECRETARY, Role.WORKING_GROUP)
reviewer = login_required(Role.WORKING_GROUP)


def _memo(memo_id):
    """The memo, or 404."""
    return db.session.get(Memo, memo_id) or abort(404)


def _staff_memo(memo, status=200):
    """The memo as staff see it."""
    return jsonify(StaffMemoSchema().dump(memo)), status


def _committed(run):
    """Run an operation and commit; a refused one answers with its error and keeps nothing."""
    try:
        result = run()
    except MemoError as exc:
        return None, refused(exc)
    db.session.commit()
    return result, None


@blp.route("/memos")
@reader
@blp.response(200, StaffMemoSchema(many=True))
def list_memos():
    """Every memo in any state (the secretary's and the group's list)."""
    return jsonify(StaffMemoSchema(many=True, only=("id", "forum_id", "title", "state", "staff_url"))
                   .dump(queries.all_memos()))


@blp.route("/forums/<int:forum_id>/memo", methods=["POST"])
@secretary
@blp.response(201, StaffMemoSchema)
@blp.alt_response(409, schema=ErrorSchema, description="The forum has a memo or was not held")
@blp.alt_response(502, schema=ErrorSchema, description="feedback's API did not answer")
def create_memo(forum_id):
    """Start the memo of a held forum by hand, from feedback's approved comments."""
    memo, error = _committed(lambda: drafting.draft_by_hand(forum_id, current_staff()))
    return error or _staff_memo(memo, 201)


@blp.route("/memos/<int:memo_id>")
@reader
@blp.response(200, StaffMemoSchema)
def show_memo(memo_id):
    """A memo with its newest version, version list, history and publications."""
    return _staff_memo(_memo(memo_id))


@blp.route("/memos/<int:memo_id>/versions", methods=["POST"])
@secretary
@blp.arguments(VersionInput)
@blp.response(201, VersionSchema)
@blp.alt_response(409, schema=ErrorSchema, description="The memo is published")
def create_version(data, memo_id):
    """Save the text as a new version (a version in review goes back to draft)."""
    memo = _memo(memo_id)
    version, error = _committed(lambda: versions.save_version(memo, data["body"], current_staff()))
    return error or (jsonify(VersionSchema().dump(version)), 201)


@blp.route("/memos/<int:memo_id>/versions/<int:number>")
@reader
@blp.response(200, VersionSchema)
def show_version(memo_id, number):
    """One version's text."""
    try:
        return jsonify(VersionSchema().dump(versions.version(_memo(memo_id), number)))
    except MemoError as exc:
        return refused(exc)


@blp.route("/memos/<int:memo_id>/versions/<int:number>/restore", methods=["POST"])
@secretary
@blp.response(201, VersionSchema)
def restore_version(memo_id, number):
    """Make an earlier version's text the newest version."""
    memo = _memo(memo_id)
    version, error = _committed(lambda: versions.restore(memo, number, current_staff()))
    return error or (jsonify(VersionSchema().dump(version)), 201)


@blp.route("/memos/<int:memo_id>/diff")
@reader
@blp.response(200, DiffSchema)
def diff_versions(memo_id):
    """Compare ``?old=`` with ``?new=`` (default: the previous and the newest version)."""
    memo = _memo(memo_id)
    new = request.args.get("new", memo.latest.number, type=int)
    old = request.args.get("old", max(new - 1, 1), type=int)
    try:
        a, b = versions.version(memo, old), versions.version(memo, new)
    except MemoError as exc:
        return refused(exc)
    lines = [{"op": op, "text": text} for op, text in versions.diff_lines(a.body, b.body)]
    return jsonify(DiffSchema().dump({"old": old, "new": new, "lines": lines,
                                      "html": str(versions.diff_html(a.body, b.body))}))


@blp.route("/memos/<int:memo_id>/review", methods=["POST"])
@secretary
@blp.response(201, RoundSchema)
@blp.alt_response(409, schema=ErrorSchema, description="Not a draft, or no working group")
def submit_for_review(memo_id):
    """Send the newest version to the current term's working group."""
    memo = _memo(memo_id)
    found, error = _committed(lambda: review.submit_for_review(memo, current_staff()))
    return error or (jsonify(RoundSchema().dump(found)), 201)


@blp.route("/memos/<int:memo_id>/rounds")
@reader
@blp.response(200, RoundSchema(many=True))
def list_rounds(memo_id):
    """The review rounds with who has answered."""
    return jsonify(RoundSchema(many=True).dump(queries.rounds(_memo(memo_id))))


@blp.route("/memos/<int:memo_id>/sign-offs", methods=["POST"])
@reviewer
@blp.arguments(SignOffInput)
@blp.response(201, SignOffSchema)
@blp.alt_response(403, schema=ErrorSchema, description="Not a member of the working group")
@blp.alt_response(409, schema=ErrorSchema, description="Not in review, or signed off already")
@blp.alt_response(503, schema=ErrorSchema, description="The memo is busy; try again")
def create_sign_off(data, memo_id):
    """Approve the version in review, or request changes (about a paragraph or the whole)."""
    _memo(memo_id)
    user = current_staff()
    if data["decision"] == Decision.APPROVE:
        def run():
            return review.approve(memo_id, user, data["comment"])
    else:
        def run():
            return review.request_changes(memo_id, user, data["comment"], data["paragraph"])
    found, error = _committed(run)
    return error or (jsonify(SignOffSchema().dump(found)), 201)


@blp.route("/memos/<int:memo_id>/publication", methods=["POST"])
@secretary
@blp.response(201, StaffMemoSchema)
@blp.alt_response(409, schema=ErrorSchema, description="Not approved")
def publish_memo(memo_id):
    """Publish the approved version (or the approved correction)."""
    memo = _memo(memo_id)
    _found, error = _committed(lambda: publishing.publish(memo.id, current_staff()))
    return error or _staff_memo(memo, 201)


@blp.route("/memos/<int:memo_id>/correction", methods=["POST"])
@secretary
@blp.arguments(VersionInput)
@blp.response(201, VersionSchema)
@blp.alt_response(409, schema=ErrorSchema, description="Not published")
def correct_memo(data, memo_id):
    """Start a correction of the published memo with the corrected text."""
    memo = _memo(memo_id)
    version, error = _committed(lambda: publishing.correct(memo.id, data["body"],
                                                           current_staff()))
    return error or (jsonify(VersionSchema().dump(version)), 201)


@blp.route("/memos/<int:memo_id>/history")
@reader
@blp.response(200, HistorySchema(many=True))
def list_history(memo_id):
    """Every state change of the memo, with who and when."""
    return jsonify(HistorySchema(many=True).dump(_memo(memo_id).history))


@blp.route("/follow-ups/<int:follow_up_id>", methods=["PATCH"])
@secretary
@blp.response(200, PublicFollowUpSchema)
def update_follow_up(follow_up_id):
    """Change a follow-up (also after publication, without review); the change is logged."""
    follow_up = db.session.get(FollowUp, follow_up_id) or abort(404)
    data = FollowUpInput().load(suite_api.json_object())
    _entry, error = _committed(lambda: followups.update(follow_up, data, current_staff()))
    return error or jsonify(PublicFollowUpSchema().dump(follow_up))
