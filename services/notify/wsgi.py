"""The notify service for gunicorn: ``gunicorn services.notify.wsgi:app``."""

from services.notify import create_app
from shared.web.app import wsgi_app

app = wsgi_app(create_app)
