"""The feedback service: topics, comment windows, comments and their moderation."""

from shared.outbox import install_after_commit
from shared.web import make_app


def create_app(config=None):
    """The feedback service's Flask app; ``config`` overrides settings (tests)."""
    from services.feedback import tasks  # noqa: F401 - registers the Celery tasks
    from services.feedback.blueprint import limiter, register_blueprints
    from services.feedback.models import OutboxMessage, db

    app = make_app("feedback", __name__, config, db=db, limiter=limiter)
    register_blueprints(app)
    install_after_commit(db, OutboxMessage)
    return app
