"""The feedback service for gunicorn: ``gunicorn services.feedback.wsgi:app``."""

from services.feedback import create_app
from shared.web.app import wsgi_app

app = wsgi_app(create_app)
