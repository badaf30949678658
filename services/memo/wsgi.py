"""The memo service for gunicorn: ``gunicorn services.memo.wsgi:app``."""

from services.memo import create_app

app = create_app()
