"""Security headers with a strict Content Security Policy, and CSRF protection for every form."""

from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)

HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def _add_headers(response):
    """Add the security headers to every response that does not set its own."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response


def init_security(app):
    """CSRF on every form (JSON APIs are exempted by their blueprints) and security headers."""
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", 4 * 3600)
    app.config.setdefault("WTF_CSRF_SSL_STRICT", False)
    csrf.init_app(app)
    app.after_request(_add_headers)
