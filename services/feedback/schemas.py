"""Marshmallow schemas of the feedback service's HTTP input and output.

:class:`CommentSchema` loads a comment or reply from the JSON API or the HTML form;
:class:`ReportSchema` loads a report. The output schemas dump only what the public may see: an
approved comment's author name, organisation and sanitized text, never the email address.
Every message is a lazy translated string (or one of marshmallow's own, which
:mod:`shared.web.messages` translates).
"""

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.feedback import links, queries, topics
from services.feedback.models import CommentStatus, ReportReason
from shared.validators import BusinessId
from shared.web.api import ErrorSchema  # noqa: F401 - the API's documented error answer
from shared.web.fields import ID_MAX, EmailAddress, Text
from shared.web.text import markdown

#: the longest comment text, in characters (Markdown source)
COMMENT_MAX = 5000
SHORT_TEXT_MAX = 200
DETAILS_MAX = 2000
#: the most forums one comment-counts request may ask about
FORUM_IDS_MAX = 100
BAD_FORUM_IDS = _l("Give the forum ids as whole numbers separated by commas.")


class OptionalBusinessId(fields.String):
    """A Finnish business ID (Y-tunnus) or nothing: blank and null load as None."""

    def __init__(self, **kwargs):
        super().__init__(allow_none=True, load_default=None,
                         metadata={"description": "Y-tunnus, e.g. 1234567-8"}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        """The checked business ID, or None for a blank one."""
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        return BusinessId()(text) if text else None


class CommentSchema(Schema):
    """A comment or a reply, as the API and the HTML form take it (unknown fields rejected)."""

    name = Text(SHORT_TEXT_MAX, required=True)
    organisation = Text(SHORT_TEXT_MAX, required=True)
    email = EmailAddress(required=True)
    text = Text(COMMENT_MAX, multiline=True, required=True, metadata={
        "description": f"Markdown, at most {COMMENT_MAX} characters; HTML is not allowed"})
    business_id = OptionalBusinessId()
    on_behalf_of_organisation = fields.Boolean(load_default=False)


class ReportSchema(Schema):
    """A report of a visible comment: a reason, and details (required with "other")."""

    reason = fields.String(required=True, validate=validate.OneOf(
        [r.value for r in ReportReason], error=_l("Choose a reason.")))
    details = Text(DETAILS_MAX, multiline=True, load_default="")

    @validates_schema
    def _details_with_other(self, data, **kwargs):
        """"Other" needs words saying what is wrong."""
        if data.get("reason") == ReportReason.OTHER and not data.get("details"):
            raise ValidationError([_l("Tell us what is wrong with the comment.")], "details")


class AcceptedSchema(Schema):
    """The answer to a new comment: it waits for the author's email confirmation."""

    status = fields.String(metadata={"enum": ["awaiting_confirmation"]})
    message = fields.String()


class ReportReceivedSchema(Schema):
    """The answer to a report: moderators will look at it."""

    status = fields.String(metadata={"enum": ["received"]})
    message = fields.String()


class PublicCommentSchema(Schema):
    """An approved comment as the public sees it (never the author's email)."""

    id = fields.Integer()
    topic_id = fields.Integer()
    parent_id = fields.Integer(allow_none=True)
    author_name = fields.String()
    organisation = fields.String()
    on_behalf_of_organisation = fields.Boolean()
    html = fields.Function(lambda comment: str(markdown(comment.body)), metadata={
        "description": "the comment's Markdown rendered to sanitized HTML"})
    approved_at = fields.AwareDateTime()
    url = fields.Function(links.comment_url)


class ThreadSchema(PublicCommentSchema):
    """An approved top-level comment with its approved replies (``queries.Thread``)."""

    replies = fields.List(fields.Nested(PublicCommentSchema))


def dump_thread(thread):
    """A queries.Thread as the API shows it."""
    data = PublicCommentSchema().dump(thread.comment)
    data["replies"] = PublicCommentSchema(many=True).dump(thread.replies)
    return data


class TopicSchema(Schema):
    """A topic (an agenda item) with its comment window."""

    id = fields.Integer()
    forum_id = fields.Integer()
    position = fields.Integer()
    title = fields.String()
    description_html = fields.Function(lambda topic: str(markdown(topic.description)))
    presenter_name = fields.String()
    material_urls = fields.List(fields.String())
    opens_at = fields.AwareDateTime()
    closes_at = fields.AwareDateTime()
    window = fields.Function(lambda topic: topics.window_state(topic), metadata={
        "enum": ["not_open_yet", "open", "closed"]})
    url = fields.Function(lambda topic: links.topic_url(topic.id))


class ForumSchema(Schema):
    """A forum with its topics."""

    id = fields.Integer()
    title = fields.String()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    url = fields.String(metadata={"description": "the event's page on the registration service"})
    topics = fields.Function(lambda forum: TopicSchema(many=True).dump(topics.live(forum)))


class TopicCommentsSchema(TopicSchema):
    """A topic with its approved comments and their approved replies."""

    comments = fields.Function(
        lambda topic: [dump_thread(thread) for thread in queries.threads(topic.id)],
        metadata={"description": "approved comments, oldest first, each with its replies"})


class ForumCommentsSchema(ForumSchema):
    """A forum with every live topic's approved comments: what the memo is drafted from."""

    window_closed_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "when the forum's last topic closed (null while comments are open)"})
    topics = fields.Function(
        lambda forum: TopicCommentsSchema(many=True).dump(topics.live(forum)))


class ForumIds(fields.String):
    """A comma-separated list of forum ids (``1,2,3``): each from 1 to ID_MAX, at most
    FORUM_IDS_MAX of them, loaded as a list without repeats in the order given."""

    def _deserialize(self, value, attr, data, **kwargs):
        """The ids; ValidationError for anything else."""
        parts = [p.strip() for p in super()._deserialize(value, attr, data, **kwargs).split(",")]
        if not all(p.isascii() and p.isdigit() and len(p) <= 10 and 0 < int(p) <= ID_MAX
                   for p in parts):
            raise ValidationError([BAD_FORUM_IDS])
        ids = list(dict.fromkeys(int(p) for p in parts))
        if len(ids) > FORUM_IDS_MAX:
            raise ValidationError([_l("Ask for at most {max} forums at a time.").format(
                max=FORUM_IDS_MAX)])
        return ids


class CommentCountsQuery(Schema):
    """The query of ``GET /comment-counts``: which forums."""

    forum_ids = ForumIds(required=True, metadata={
        "description": f"forum (event) ids separated by commas, at most {FORUM_IDS_MAX}"})


class CommentCountsSchema(Schema):
    """A forum's comments counted: by status, reported, flagged. Numbers only."""

    forum_id = fields.Integer()
    total = fields.Integer(metadata={"description": "every comment and reply of the forum"})
    by_status = fields.Dict(keys=fields.String(metadata={
        "enum": [s.value for s in CommentStatus]}), values=fields.Integer(), metadata={
        "description": "comments and replies per status, every status present (0 for none)"})
    reported = fields.Integer(metadata={"description": "comments reported at least once"})
    personal_data_flagged = fields.Integer(metadata={
        "description": "comments whose text looked like it held personal data"})


class CommentCountsListSchema(Schema):
    """The counts of the forums asked about that feedback knows, and the ids it does not."""

    forums = fields.List(fields.Nested(CommentCountsSchema))
    unknown_forum_ids = fields.List(fields.Integer(), metadata={
        "description": "asked-about ids of no forum feedback knows (no topics were published)"})
