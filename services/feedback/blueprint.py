"""The feedback service's URL table."""

from flask import Blueprint, render_template

from shared.web.ratelimit import make_limiter

limiter = make_limiter("feedback")

bp = Blueprint("feedback_public", __name__, template_folder="templates")


@bp.route("/")
def index():
    """The service's public front page."""
    return render_template("feedback/index.html")


def register_blueprints(app):
    """Public pages at /."""
    app.register_blueprint(bp)
