"""Absolute links the feedback service puts in emails and API answers (built from PUBLIC_URL)."""

from flask import current_app


def _base():
    """The public root of the feedback service."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/feedback"


def topic_url(topic_id):
    """A topic's public page."""
    return f"{_base()}/topics/{topic_id}"


def comment_url(comment):
    """An approved comment on its topic's page."""
    return f"{topic_url(comment.topic_id)}#comment-{comment.id}"


def confirm_url(token):
    """The link that confirms a comment (GET shows a page, POST confirms)."""
    return f"{_base()}/confirm/{token}"


def forum_comments_api_url(forum_id):
    """The API answer with a forum's topics and their approved comments."""
    return f"{_base()}/api/v1/forums/{forum_id}/comments"
