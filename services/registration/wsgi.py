"""The registration service for gunicorn: ``gunicorn services.registration.wsgi:app``."""

from services.registration import create_app
from shared.web.app import wsgi_app

app = wsgi_app(create_app)
