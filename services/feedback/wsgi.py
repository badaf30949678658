"""The feedback service for gunicorn: ``gunicorn services.feedback.wsgi:app``."""

from services.feedback import create_app

app = create_app()
