"""The moderation endpoints of the JSON API, for logged-in moderators and admins only.

``GET /api/v1/moderation/queue`` lists a queue a page at a time (keyset cursor ``after``, as the
staff pages do); ``POST /api/v1/moderation/comments/<id>/decision`` decides on one comment and
``POST /api/v1/moderation/decisions`` on several at once (all or nothing; an unknown comment among
them is a 422 on ``comment_ids``, an unknown one in the path a 404). They use the staff
session (the one login of the suite): the public gets 401, a staff member without the moderator
role 403. Being JSON, they are exempt from CSRF like the rest of the API; the session cookie is
SameSite=Lax, so another site cannot post to them with the moderator's session.
"""

from flask import jsonify, request
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from marshmallow import Schema, ValidationError, fields, validate

from services.feedback import moderation, queue
from services.feedback.models import ModerationAction, db
from services.feedback.schemas import ErrorSchema
from shared.auth import Role, current_staff, login_required
from shared.web.errors import error_response
from shared.web.fields import Id, Text
from shared.web.security import csrf
from shared.web.text import markdown

blp = Blueprint("feedback_moderation_api", __name__, url_prefix="/api/v1/moderation",
                description="Moderation: queues and decisions (staff only).")
csrf.exempt(blp)
moderator = login_required(Role.MODERATOR)

ACTIONS = [a.value for a in ModerationAction]


class QueueArgsSchema(Schema):
    """Which queue, from where, how many."""

    name = fields.String(data_key="queue", load_default=queue.PENDING,
                         validate=validate.OneOf(queue.QUEUES))
    after = fields.String(load_default=None, validate=validate.Length(max=100))
    limit = fields.Integer(load_default=queue.PAGE_SIZE,
                           validate=validate.Range(min=1, max=queue.PAGE_MAX))


class QueueItemSchema(Schema):
    """A comment in a queue, with everything the moderator decides on (the author's email too)."""

    id = fields.Function(lambda item: item.comment.id)
    status = fields.Function(lambda item: item.comment.status.value)
    topic_id = fields.Function(lambda item: item.comment.topic_id)
    topic_title = fields.Function(lambda item: item.comment.topic.title)
    forum_title = fields.Function(lambda item: item.comment.topic.forum.title)
    parent_id = fields.Function(lambda item: item.comment.parent_id)
    author_name = fields.Function(lambda item: item.comment.author_name)
    author_email = fields.Function(lambda item: item.comment.author_email)
    organisation = fields.Function(lambda item: item.comment.organisation)
    html = fields.Function(lambda item: str(markdown(item.comment.body)))
    personal_data_flag = fields.Function(lambda item: item.comment.personal_data_flag)
    waiting_since = fields.AwareDateTime(attribute="since")
    waited_seconds = fields.Function(lambda item: int(item.waited.total_seconds()))
    working_days = fields.Function(lambda item: round(item.working_days, 2))
    overdue = fields.Boolean()
    report_count = fields.Function(lambda item: len(item.reports))
    report_reasons = fields.Function(lambda item: [r.value for r in item.reasons])


class QueuePageSchema(Schema):
    """A page of a queue; ``next_after`` is the cursor of the next page (null at the end)."""

    queue = fields.String()
    total = fields.Integer()
    next_after = fields.String(allow_none=True)
    items = fields.List(fields.Nested(QueueItemSchema))


class DecisionSchema(Schema):
    """One decision: reject and hide need a reason."""

    action = fields.String(required=True, validate=validate.OneOf(
        ACTIONS, error=_l("Choose one of the options.")))
    reason = Text(moderation.REASON_MAX, multiline=True, load_default="")


class BulkDecisionSchema(DecisionSchema):
    """The same decision on several comments."""

    comment_ids = fields.List(Id(), required=True, validate=validate.Length(
        min=1, max=moderation.BULK_MAX, error=_l("Choose from 1 to {max} comments.")))


class DecisionOutSchema(Schema):
    """A decision as written into the audit trail."""

    id = fields.Integer()
    comment_id = fields.Integer()
    action = fields.Function(lambda d: d.action.value)
    reason = fields.String()
    moderator_email = fields.String()
    decided_at = fields.AwareDateTime()


def _body(schema):
    """The request's JSON object loaded through ``schema``; ValidationError answers 422."""
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        raise ValidationError({"_schema": [_l("Send the data as a JSON object.")]})
    return schema.load(body)


def _refused(exc, bulk=False):
    """The answer to a decision the moderation rules refused; nothing changed.

    An unknown comment is a 404 in the path, a 422 on the field in a bulk decision.
    """
    db.session.rollback()
    if isinstance(exc, moderation.UnknownComment) and not bulk:
        return error_response(404, exc.message)
    if isinstance(exc, moderation.ReasonRequired):
        return error_response(422, errors={"reason": [str(exc.message)]})
    errors = {"comment_ids": [str(exc.message)]} if exc.comment_id else None
    return error_response(409 if isinstance(exc, moderation.NotAllowed) else 422, exc.message, errors)


@blp.route("/queue")
@moderator
@blp.arguments(QueueArgsSchema, location="query")
@blp.response(200, QueuePageSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(403, schema=ErrorSchema, description="Not a moderator")
@blp.alt_response(422, schema=ErrorSchema, description="Bad arguments, by field")
def list_queue(args):
    """A page of the pending or reported queue, oldest first, with its total."""
    try:
        result = queue.page_of(args["name"], after=args["after"], limit=args["limit"])
    except queue.BadCursor:
        return error_response(422, errors={"after": [str(_l("Invalid value."))]})
    return jsonify(QueuePageSchema().dump(result))


@blp.route("/comments/<int:comment_id>/decision", methods=["POST"])
@moderator
@blp.doc(requestBody={"required": True, "content": {"application/json": {"schema": DecisionSchema}}})
@blp.response(200, DecisionOutSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(403, schema=ErrorSchema, description="Not a moderator")
@blp.alt_response(404, schema=ErrorSchema, description="Unknown comment")
@blp.alt_response(409, schema=ErrorSchema, description="The comment's state does not allow it")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input, by field")
def decide_comment(comment_id):
    """Approve, reject (with a reason), hide (with a reason) or dismiss a comment's reports."""
    data = _body(DecisionSchema())
    try:
        decision = moderation.decide(comment_id, data["action"], current_staff(), data["reason"])
    except moderation.ModerationError as exc:
        return _refused(exc)
    db.session.commit()
    return jsonify(DecisionOutSchema().dump(decision))


@blp.route("/decisions", methods=["POST"])
@moderator
@blp.doc(requestBody={"required": True,
                      "content": {"application/json": {"schema": BulkDecisionSchema}}})
@blp.response(200, DecisionOutSchema(many=True))
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(403, schema=ErrorSchema, description="Not a moderator")
@blp.alt_response(404, schema=ErrorSchema, description="An unknown comment")
@blp.alt_response(409, schema=ErrorSchema, description="A comment's state does not allow it")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input, by field")
def decide_many():
    """The same decision on several comments: all of them, or (when one is refused) none."""
    data = _body(BulkDecisionSchema())
    try:
        decisions = moderation.decide_many(data["comment_ids"], data["action"], current_staff(),
                                           data["reason"])
    except moderation.ModerationError as exc:
        return _refused(exc, bulk=True)
    db.session.commit()
    return jsonify(DecisionOutSchema(many=True).dump(decisions))
