"""The registration service: annual clock, events, agenda, materials, registrations, check-in."""

from shared.outbox import install_after_commit
from shared.web import make_app


def create_app(config=None):
    """The registration service's Flask app; ``config`` overrides settings (tests)."""
    from services.registration import tasks  # noqa: F401 - registers the Celery tasks
    from services.registration.blueprint import register_blueprints
    from services.registration.limits import limiter
    from services.registration.models import OutboxMessage, db

    app = make_app("registration", __name__, config, db=db, limiter=limiter)
    register_blueprints(app)
    install_after_commit(db, OutboxMessage)
    return app
