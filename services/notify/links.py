"""Absolute links the notify service puts in emails and API answers (built from PUBLIC_URL)."""

from urllib.parse import quote

from flask import current_app


def _base():
    """The public root of the notify service."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/notify"


def confirm_url(token):
    """The double opt-in link (GET shows a page, POST confirms)."""
    return f"{_base()}/subscribe/confirm/{token}"


def unsubscribe_url(token):
    """The one-click unsubscribe link (GET shows a page; POST, also RFC 8058's, unsubscribes)."""
    return f"{_base()}/unsubscribe/{token}"


def preferences_url(token):
    """The subscriber's own page: language and interests."""
    return f"{_base()}/preferences/{token}"


def unsubscribe_mailto(token):
    """The mailto form of the unsubscribe link (List-Unsubscribe offers both)."""
    address = current_app.config["NEWSLETTER_UNSUBSCRIBE_MAILTO"]
    return f"mailto:{address}?subject={quote('unsubscribe ' + token)}"


def campaign_url(campaign_id):
    """A sent newsletter in the public archive."""
    return f"{_base()}/archive/{campaign_id}"
