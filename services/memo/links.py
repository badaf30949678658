"""Absolute links the memo service puts in emails, messages and API answers (from PUBLIC_URL)."""

from flask import current_app


def _root():
    """The public root of the whole suite."""
    return current_app.config["PUBLIC_URL"].rstrip("/")


def _base():
    """The public root of the memo service."""
    return _root() + "/memo"


def memo_url(memo_id):
    """A published memo's public page."""
    return f"{_base()}/memos/{memo_id}"


def publication_url(memo_id, publication_id):
    """One publication's public page (an earlier one stays readable after a correction)."""
    return f"{_base()}/memos/{memo_id}/publications/{publication_id}"


def pdf_url(memo_id, publication_id):
    """One publication's tagged PDF (what notify attaches to the memo's delivery)."""
    return f"{publication_url(memo_id, publication_id)}.pdf"


def staff_memo_url(memo_id):
    """The memo's staff page (drafting, versions, history)."""
    return f"{_base()}/staff/memos/{memo_id}"


def review_url(memo_id):
    """The working group's review page of the memo's open round."""
    return f"{_base()}/staff/memos/{memo_id}/review"


def feedback_api_url():
    """The root of feedback's JSON API."""
    configured = current_app.config["MEMO_FEEDBACK_API_URL"]
    return (configured or _root() + "/feedback/api/v1").rstrip("/")


def forum_comments_url(forum_id):
    """feedback's answer with a forum's topics and approved comments."""
    return f"{feedback_api_url()}/forums/{forum_id}/comments"


def registration_event_url(event_id):
    """registration's public answer about one event (agenda, venue, attendance counts)."""
    configured = current_app.config["REGISTRATION_API_URL"]
    root = (configured or _root() + "/registration/api/v1").rstrip("/")
    return f"{root}/events/{event_id}"
