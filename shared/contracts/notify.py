"""Messages the notify service receives."""

from marshmallow import Schema, fields, validate

from shared.config import LANGUAGES
from shared.contracts.base import Payload

#: Send one transactional email, rendered by notify from its template in the recipient's language.
SEND_EMAIL = "notify.send_email"
#: Someone asked for the newsletter (e.g. by ticking the box on a registration form).
REQUEST_SUBSCRIPTION = "notify.request_subscription"

#: The transactional email templates notify has, and who sends them.
TEMPLATES = (
    "registration_confirmed",
    "registration_waitlisted",
    "registration_promoted",
    "registration_mode_changed",
    "registration_cancelled",
    "registration_already_registered",
    "registration_reminder",
    "registration_invitation",
    "registration_event_changed",
    "registration_event_cancelled",
    "comment_confirm",
    "comment_approved",
    "comment_rejected",
    "moderation_digest",
    "newsletter_confirm",
    "newsletter_paused",
    "newsletter_needs_review",
    "memo_drafted",
    "memo_review_requested",
    "memo_review_reminder",
    "memo_published",
    "memo_follow_up",
    "milestone_due",
    "milestone_late",
    "forum_announced_partner",
)


class Attachment(Schema):
    """A file attached to an email, its bytes in base64."""

    filename = fields.String(required=True, validate=validate.Length(1, 200))
    content_type = fields.String(required=True, validate=validate.Regexp(r"^[\w.+-]+/[\w.+-]+$"))
    content_base64 = fields.String(required=True)


class SendEmailPayload(Payload):
    """Send ``template`` to ``to`` once. Guarantees: at most one copy per (message_id, to)."""

    to = fields.Email(required=True)
    to_name = fields.String(load_default="")
    locale = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    template = fields.String(required=True, validate=validate.OneOf(TEMPLATES))
    #: plain JSON values the template reads; datetimes as ISO 8601 strings in UTC
    context = fields.Dict(keys=fields.String(), load_default=dict)
    attachments = fields.List(fields.Nested(Attachment), load_default=list)


class RequestSubscriptionPayload(Payload):
    """Start the newsletter's double opt-in for ``email``; a confirmed subscriber is left as is."""

    email = fields.Email(required=True)
    name = fields.String(load_default="")
    organisation = fields.String(load_default="")
    locale = fields.String(required=True, validate=validate.OneOf(LANGUAGES))
    source = fields.String(load_default="")
