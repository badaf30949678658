"""The feedback service's JSON API under /api/v1, described by OpenAPI at /api/v1/openapi.json.

Public endpoints: forums and topics, approved comments with their approved replies, each forum's
comments counted by status (aggregates only, for registration's statistics), posting a comment or
reply (202 ``{"status": "awaiting_confirmation"}``: it is published only after the
emailed confirmation and a moderator's approval) and reporting a visible comment. Errors keep the
suite's format (``{"code", "message", "errors": {field: [messages]}}``) in the request's language.
"""

from flask import abort, jsonify
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint

from services.feedback import comments, counts, queries, topics
from services.feedback.limits import limiter
from services.feedback.models import db
from services.feedback.schemas import (
    AcceptedSchema,
    CommentCountsListSchema,
    CommentCountsQuery,
    CommentCountsSchema,
    CommentSchema,
    ErrorSchema,
    ForumCommentsSchema,
    ForumSchema,
    ReportReceivedSchema,
    ReportSchema,
    ThreadSchema,
    TopicSchema,
    dump_thread,
)
from shared.web import api as suite_api
from shared.web.errors import error_response
from shared.web.ratelimit import public_form_limits
from shared.web.security import csrf

#: a field only bots fill in; a body carrying it is answered like any other and dropped
HONEYPOT = "website"
NO_SUCH_FORUM = _l("There is no forum with this id.")
AWAITING = _l("Thank you. We have emailed you a link to confirm your comment; after that a "
              "moderator checks it before it is published.")

blp = Blueprint("feedback_api", __name__, url_prefix="/api/v1",
                description="Forum topics, their approved comments, new comments and reports.")
csrf.exempt(blp)


def init_api(app):
    """Serve the public API and the staff's moderation API (its own module) on ``app``."""
    from services.feedback.api_moderation import blp as moderation_blp

    return suite_api.init_api(app, "feedback", blp, moderation_blp)


def _closed():
    """409: the topic does not take comments now."""
    db.session.rollback()
    return error_response(409, _l("This topic does not take comments at the moment."))


def _accepted():
    """202: the comment waits for its author's confirmation."""
    return jsonify(AcceptedSchema().dump(
        {"status": "awaiting_confirmation", "message": str(AWAITING)})), 202


def _take(topic, parent=None):
    """Load a posted comment or reply and store it (unless a bot filled the honeypot)."""
    body = suite_api.json_object()
    if body.pop(HONEYPOT, None):
        return _accepted()
    if not topics.is_open(topic):
        return _closed()
    data = CommentSchema().load(body)
    try:
        comments.submit(topic, data, str(get_locale()), parent=parent)
    except comments.CommentError:
        return _closed()
    db.session.commit()
    return _accepted()


@blp.route("/forums")
@blp.response(200, ForumSchema(many=True))
def list_forums():
    """Forums with topics, the latest first, each with its live topics and their windows."""
    return jsonify(ForumSchema(many=True).dump(queries.public_forums()))


@blp.route("/forums/<int:forum_id>/comments")
@blp.response(200, ForumCommentsSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown forum, or one without topics")
def list_forum_comments(forum_id):
    """A forum's topics with their approved comments and replies (the memo is drafted from it)."""
    forum = queries.public_forum(forum_id) or abort(404)
    return jsonify(ForumCommentsSchema().dump(forum))


@blp.route("/forums/<int:forum_id>/comment-counts")
@blp.response(200, CommentCountsSchema)
@blp.alt_response(404, schema=ErrorSchema, description="A forum feedback does not know")
def show_comment_counts(forum_id):
    """A forum's comments and replies counted by status, reported and flagged (numbers only)."""
    found = counts.of_forum(forum_id)
    if found is None:
        return error_response(404, NO_SUCH_FORUM, errors={"forum_id": [str(NO_SUCH_FORUM)]})
    return jsonify(CommentCountsSchema().dump(found))


@blp.route("/comment-counts")
@blp.arguments(CommentCountsQuery, location="query", as_kwargs=True)
@blp.response(200, CommentCountsListSchema)
@blp.alt_response(422, schema=ErrorSchema, description="Missing, bad or too many ids")
def list_comment_counts(forum_ids):
    """The comment counts of several forums (a year's), in the order asked; two SQL statements
    however many forums."""
    found = counts.of_forums(forum_ids)
    return jsonify(CommentCountsListSchema().dump({
        "forums": [found[i] for i in forum_ids if i in found],
        "unknown_forum_ids": [i for i in forum_ids if i not in found]}))


@blp.route("/topics/<int:topic_id>")
@blp.response(200, TopicSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown or withdrawn topic")
def show_topic(topic_id):
    """One topic: its description, background material and comment window."""
    return jsonify(TopicSchema().dump(queries.public_topic(topic_id) or abort(404)))


@blp.route("/topics/<int:topic_id>/comments")
@blp.response(200, ThreadSchema(many=True))
@blp.alt_response(404, schema=ErrorSchema, description="Unknown or withdrawn topic")
def list_comments(topic_id):
    """The topic's approved comments, oldest first, each with its approved replies."""
    topic = queries.public_topic(topic_id) or abort(404)
    return jsonify([dump_thread(thread) for thread in queries.threads(topic.id)])


_POST_DOCS = {"requestBody": {"required": True,
                              "content": {"application/json": {"schema": CommentSchema}}}}


@blp.route("/topics/<int:topic_id>/comments", methods=["POST"])
@blp.doc(**_POST_DOCS)
@blp.response(202, AcceptedSchema)
@blp.alt_response(400, schema=ErrorSchema, description="Not a JSON object")
@blp.alt_response(404, schema=ErrorSchema, description="Unknown or withdrawn topic")
@blp.alt_response(409, schema=ErrorSchema, description="The comment window is not open")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input, by field")
@blp.alt_response(429, schema=ErrorSchema, description="Too many attempts")
@public_form_limits(limiter)
def create_comment(topic_id):
    """Comment on a topic; the author confirms it from an email, then a moderator checks it."""
    return _take(queries.public_topic(topic_id) or abort(404))


@blp.route("/comments/<int:comment_id>/replies", methods=["POST"])
@blp.doc(**_POST_DOCS)
@blp.response(202, AcceptedSchema)
@blp.alt_response(400, schema=ErrorSchema, description="Not a JSON object")
@blp.alt_response(404, schema=ErrorSchema, description="No approved top-level comment")
@blp.alt_response(409, schema=ErrorSchema, description="The comment window is not open")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input, by field")
@blp.alt_response(429, schema=ErrorSchema, description="Too many attempts")
@public_form_limits(limiter)
def create_reply(comment_id):
    """Reply to an approved top-level comment (the same confirmation and moderation)."""
    parent = queries.visible_comment(comment_id)
    if parent is None or not queries.can_reply_to(parent):
        abort(404)
    return _take(parent.topic, parent)


@blp.route("/comments/<int:comment_id>/reports", methods=["POST"])
@blp.doc(requestBody={"required": True,
                      "content": {"application/json": {"schema": ReportSchema}}})
@blp.response(202, ReportReceivedSchema)
@blp.alt_response(400, schema=ErrorSchema, description="Not a JSON object")
@blp.alt_response(404, schema=ErrorSchema, description="No visible comment")
@blp.alt_response(422, schema=ErrorSchema, description="Bad input, by field")
@blp.alt_response(429, schema=ErrorSchema, description="Too many attempts")
@public_form_limits(limiter)
def create_report(comment_id):
    """Report a visible comment to the moderators, with a reason."""
    comment = queries.visible_comment(comment_id) or abort(404)
    body = suite_api.json_object()
    if not body.pop(HONEYPOT, None):
        comments.report(comment, ReportSchema().load(body))
        db.session.commit()
    message = _l("Thank you. A moderator will look at the comment.")
    return jsonify(ReportReceivedSchema().dump({"status": "received", "message": str(message)})), 202
