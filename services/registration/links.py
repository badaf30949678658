"""Absolute links the registration service puts in emails and messages (built from PUBLIC_URL)."""

from flask import current_app


def _base():
    """The public root of the registration service."""
    return current_app.config["PUBLIC_URL"].rstrip("/") + "/registration"


def manage_url(token):
    """The registrant's manage link."""
    return f"{_base()}/manage/{token}"


def event_url(event_id):
    """An event's public page."""
    return f"{_base()}/events/{event_id}"


def invitation_url(event_id, token):
    """A targeted session's registration form, opened by an invitation."""
    return f"{_base()}/events/{event_id}/register?invitation={token}"


def material_url(material_id):
    """A background document's download link."""
    return f"{_base()}/materials/{material_id}"
