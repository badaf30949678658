"""Web basics every service uses: the app factory frame, i18n, CSRF, headers, errors, rate limits."""

from shared.web.app import make_app

__all__ = ["make_app"]
