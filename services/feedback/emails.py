"""The emails the feedback service sends a comment's author, written to its outbox.

notify renders each from its template (``comment_confirm``, ``comment_approved``,
``comment_rejected``) in the author's language and sends it once. Nothing is sent directly: the
message waits for the commit of the change that caused it.
"""

from flask import current_app

from services.feedback import links
from services.feedback.models import OutboxMessage, db
from shared.contracts import notify
from shared.outbox import emit


def _context(comment):
    """What every comment email says: who, which forum and topic, where to read it."""
    topic = comment.topic
    return {
        "name": comment.author_name,
        "event_title": topic.forum.title,
        "topic_title": topic.title,
        "topic_url": links.topic_url(topic.id),
        "is_reply": comment.parent_id is not None,
        "excerpt": comment.body[:300],
    }


def _send(comment, template, **extra):
    """Write one email to the comment's author into the outbox."""
    emit(db.session, OutboxMessage, notify.SEND_EMAIL, to=comment.author_email,
         to_name=comment.author_name, locale=comment.locale, template=template,
         context={**_context(comment), **extra})


def comment_confirm(comment, token):
    """The link that confirms a new comment or reply (valid COMMENT_CONFIRM_HOURS)."""
    _send(comment, "comment_confirm", confirm_url=links.confirm_url(token),
          valid_hours=current_app.config["COMMENT_CONFIRM_HOURS"])


def comment_approved(comment):
    """The comment was approved and is now public on the topic's page."""
    _send(comment, "comment_approved", comment_url=links.comment_url(comment))


def comment_rejected(comment, reason=None):
    """The comment was rejected; the email gives the moderator's reason."""
    _send(comment, "comment_rejected", reason=reason or comment.decision_reason or "")
