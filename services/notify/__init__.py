"""The notify service: transactional email, the dev mailbox, subscribers and newsletters."""

from shared.mail import init_mail_templates
from shared.outbox import install_after_commit
from shared.web import make_app


def create_app(config=None):
    """The notify service's Flask app; ``config`` overrides settings (tests)."""
    from services.notify import tasks  # noqa: F401 - registers the Celery tasks
    from services.notify.blueprint import limiter, register_blueprints
    from services.notify.models import OutboxMessage, db

    app = make_app("notify", __name__, config, db=db, limiter=limiter)
    register_blueprints(app)
    init_mail_templates(app)
    install_after_commit(db, OutboxMessage)
    return app
