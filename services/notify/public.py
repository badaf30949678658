"""Public pages of the notify service."""

from flask import render_template


def index():
    """The newsletter's public page."""
    return render_template("notify/index.html")
