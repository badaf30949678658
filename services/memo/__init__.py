"""The memo service: memos drafted from the discussion, signed off by the working group."""

from shared.outbox import install_after_commit
from shared.web import make_app


def create_app(config=None):
    """The memo service's Flask app; ``config`` overrides settings (tests)."""
    from services.memo import tasks  # noqa: F401 - registers the Celery tasks
    from services.memo.blueprint import limiter, register_blueprints
    from services.memo.models import OutboxMessage, db

    app = make_app("memo", __name__, config, db=db, limiter=limiter)
    register_blueprints(app)
    install_after_commit(db, OutboxMessage)
    return app
