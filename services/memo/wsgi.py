"""The memo service for gunicorn: ``gunicorn services.memo.wsgi:app``."""

from services.memo import create_app
from shared.web.app import wsgi_app

app = wsgi_app(create_app)
