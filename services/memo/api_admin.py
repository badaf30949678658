"""The admin side of the memo API under /api/v1/admin: the working group and the recipient list."""

from flask import abort, jsonify
from flask_smorest import Blueprint
from sqlalchemy.exc import IntegrityError

from services.memo import group, queries, recipients
from services.memo.models import CouncilTerm, GroupMember, Recipient, db
from services.memo.schemas import (
    ErrorSchema,
    MemberInput,
    MemberSchema,
    RecipientInput,
    RecipientSchema,
    TermInput,
    TermSchema,
)
from shared.auth import Role, login_required
from shared.web import api as suite_api
from shared.web.errors import error_response
from shared.web.security import csrf

blp = Blueprint("memo_admin_api", __name__, url_prefix="/api/v1/admin",
                description="The working group per council term, and the memo's recipient list.")
csrf.exempt(blp)

admin = login_required(Role.ADMIN)


def _stored(schema, change, status=201):
    """Commit ``change()``'s row and dump it; a duplicate (unique constraint) answers 409."""
    try:
        row = change()
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return error_response(409)
    return jsonify(schema.dump(row)), status


@blp.route("/terms")
@admin
@blp.response(200, TermSchema(many=True))
def list_terms():
    """Council terms with their members, the latest first."""
    return jsonify(TermSchema(many=True).dump(queries.terms()))


@blp.route("/terms", methods=["POST"])
@admin
@blp.response(201, TermSchema)
@blp.alt_response(409, schema=ErrorSchema, description="A term with this label exists")
def create_term():
    """Add a council term."""
    data = TermInput().load(suite_api.json_object())
    return _stored(TermSchema(), lambda: group.add_term(data))


@blp.route("/terms/<int:term_id>/members", methods=["POST"])
@admin
@blp.response(201, MemberSchema)
@blp.alt_response(409, schema=ErrorSchema, description="The member is in the term already")
def create_member(term_id):
    """Add a member to a term's working group."""
    term = db.session.get(CouncilTerm, term_id) or abort(404)
    data = MemberInput().load(suite_api.json_object())
    return _stored(MemberSchema(), lambda: group.add_member(term, data))


@blp.route("/members/<int:member_id>", methods=["PATCH"])
@admin
@blp.response(200, MemberSchema)
def update_member(member_id):
    """Change a member (``active: false`` when they leave the group)."""
    member = db.session.get(GroupMember, member_id) or abort(404)
    data = MemberInput(partial=True).load(suite_api.json_object())
    return _stored(MemberSchema(), lambda: group.update_member(member, data), 200)


@blp.route("/recipients")
@admin
@blp.response(200, RecipientSchema(many=True))
def list_recipients():
    """The recipient list."""
    return jsonify(RecipientSchema(many=True).dump(queries.recipient_list()))


@blp.route("/recipients", methods=["POST"])
@admin
@blp.response(201, RecipientSchema)
@blp.alt_response(409, schema=ErrorSchema, description="The address is on the list already")
def create_recipient():
    """Add a board, the regional government or another recipient."""
    data = RecipientInput().load(suite_api.json_object())
    return _stored(RecipientSchema(), lambda: recipients.add(data))


@blp.route("/recipients/<int:recipient_id>", methods=["PATCH"])
@admin
@blp.response(200, RecipientSchema)
def update_recipient(recipient_id):
    """Change an entry (``active: false`` to stop sending to it)."""
    entry = db.session.get(Recipient, recipient_id) or abort(404)
    data = RecipientInput(partial=True).load(suite_api.json_object())
    return _stored(RecipientSchema(), lambda: recipients.update(entry, data), 200)
