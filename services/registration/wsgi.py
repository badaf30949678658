"""The registration service for gunicorn: ``gunicorn services.registration.wsgi:app``."""

from services.registration import create_app

app = create_app()
