"""The portal (landing page at /) for gunicorn: ``gunicorn foorumi.wsgi:app``.

In production nginx sends ``/`` here and each service's prefix to that service's own container.
"""

from foorumi.apps import create_portal
from shared.web.app import wsgi_app

app = wsgi_app(create_portal)
