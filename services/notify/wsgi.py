"""The notify service for gunicorn: ``gunicorn services.notify.wsgi:app``."""

from services.notify import create_app

app = create_app()
