"""Configuration: defaults, then ``FOORUMI_*`` environment variables, then explicit overrides.

Every setting has one name. The environment variable is that name prefixed with ``FOORUMI_``
(``FOORUMI_REGISTRATION_DATABASE_URL``). The policy numbers of the forum's written policy live
here and nowhere else.
"""

import os
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("FOORUMI_INSTANCE_DIR", Path.cwd() / "instance")).resolve()

SERVICES = ("registration", "feedback", "memo", "notify")
LANGUAGES = ("fi", "sv", "en")


def _sqlite(name):
    """The embedded default database URL of one component: a SQLite file under instance/."""
    return f"sqlite:///{INSTANCE_DIR / (name + '.sqlite')}"


DEFAULTS = {
    # -- the deployment
    "SECRET_KEY": "dev-secret-change-me",
    "ENV": "embedded",  # embedded | production | test
    "PUBLIC_URL": "http://127.0.0.1:8000",
    "DEV_MAILBOX": True,
    "SESSION_COOKIE_SECURE": False,
    "TRUSTED_PROXIES": 0,  # reverse proxies in front (nginx: 1) whose X-Forwarded-* are believed
    # -- databases, one per service and one for staff accounts
    "ACCOUNTS_DATABASE_URL": _sqlite("accounts"),
    **{f"{s.upper()}_DATABASE_URL": _sqlite(s) for s in SERVICES},
    "DATABASE_ECHO": False,
    # -- the message broker (embedded: kombu's SQLAlchemy transport, no server)
    "BROKER_URL": f"sqla+sqlite:///{INSTANCE_DIR / 'broker.sqlite'}",
    "OUTBOX_RELAY_INTERVAL": 2.0,
    "PUBLISH_IMMEDIATELY": True,
    # -- mail
    "MAIL_BACKEND": "devmailbox",  # devmailbox | smtp
    "MAIL_FROM": "Foorumi <foorumi@hyvinvointialue.example>",
    "SMTP_HOST": "127.0.0.1",
    "SMTP_PORT": 1025,
    "SMTP_USERNAME": "",
    "SMTP_PASSWORD": "",
    "SMTP_STARTTLS": False,
    "SMTP_TIMEOUT": 10.0,
    "MAIL_MAX_RETRIES": 5,
    # -- rate limits on public forms
    "RATELIMIT_ENABLED": True,
    "RATELIMIT_STORAGE_URI": "memory://",
    "RATELIMIT_PER_IP": "30 per minute",
    "RATELIMIT_PER_EMAIL": "5 per minute",
    "RATELIMIT_LOGIN": "10 per minute",
    # -- uploads and request size
    "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
    "MATERIAL_MAX_BYTES": 20 * 1024 * 1024,
    # -- the forum's written policy (toimintalinjaus)
    "POLICY_PUBLISH_LEAD_DAYS": 7,
    "POLICY_COMMENT_WINDOW_MIN_DAYS": 7,
    "POLICY_RECORDING_VISIBLE_DAYS": 14,
    "POLICY_FORUMS_PER_YEAR_MIN": 3,
    "POLICY_FORUMS_PER_YEAR_MAX": 6,
    # -- feedback: an unconfirmed comment (and its emailed link) expires after this many hours
    "COMMENT_CONFIRM_HOURS": 48,
    # -- feedback: an item waiting for moderation longer than this many working days is overdue,
    #    and the daily digest emails the moderators about it
    "POLICY_MODERATION_DIGEST_WORKING_DAYS": 2,
    #    the digest goes out once a day, at the first beat run after this hour (Helsinki time)
    "MODERATION_DIGEST_HOUR": 8,
    # -- notify: newsletters
    "SUBSCRIBE_CONFIRM_HOURS": 72,  # the double opt-in link lives this long
    "NEWSLETTER_APPROVAL_REQUIRED": False,  # a second staff member approves before it sends
    "NEWSLETTER_BATCH_SIZE": 50,  # deliveries one sending task claims at a time
    "NEWSLETTER_CONNECTIONS": 4,  # parallel SMTP connections (sending lanes) per campaign
    "NEWSLETTER_RATE_PER_SECOND": 0.0,  # messages a second over all connections; 0 = no limit
    "NEWSLETTER_MAX_ATTEMPTS": 4,  # a 4xx is tried this many times in all, then FAILED
    "NEWSLETTER_RETRY_SECONDS": 60.0,  # first backoff after a 4xx; doubles on each attempt
    "NEWSLETTER_LEASE_SECONDS": 120.0,  # a claim older than this belongs to a dead worker
    "NEWSLETTER_ERROR_RATE_PAUSE": 0.2,  # failed share of attempts that pauses a campaign
    "NEWSLETTER_ERROR_RATE_MIN_ATTEMPTS": 20,  # ... once at least this many were attempted
    "NEWSLETTER_TICK_SECONDS": 15.0,  # how often beat starts due campaigns and revives stalled ones
    "NEWSLETTER_UNSUBSCRIBE_MAILTO": "unsubscribe@hyvinvointialue.example",
    # notify reads the upcoming forums from registration's JSON API (empty: PUBLIC_URL's)
    "REGISTRATION_API_URL": "",
    # -- notify: the communications plan's milestones around each forum
    "PLAN_ANNOUNCE_DAYS_BEFORE": 21,  # the forum's date goes out in a newsletter this early
    "PLAN_RECORDING_DAYS_AFTER": 2,  # the recording is published this long after the forum
    "PLAN_MEMO_DAYS_AFTER_COMMENTS": 14,  # the memo follows the comment window's close
    "PLAN_ICAL_DAYS": 400,  # a staff member's plan feed link stays valid this long
    # -- registration
    "REMINDER_HOURS_BEFORE": 24,
    "SEAT_LOCK_TIMEOUT_SECONDS": 3,
    "SEAT_LOCK_ENABLED": True,  # test-only switch: False must make the concurrency test overbook
    # -- time and language
    "TIMEZONE": "Europe/Helsinki",
    "DEFAULT_LOCALE": "fi",
}


def _coerce(raw, default):
    """Turn an environment string into the type of its default."""
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on")
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    return raw


def load(overrides=None, environ=None):
    """The settings: defaults, then FOORUMI_* environment variables, then ``overrides``."""
    environ = os.environ if environ is None else environ
    settings = dict(DEFAULTS)
    for name, default in DEFAULTS.items():
        raw = environ.get("FOORUMI_" + name)
        if raw is not None:
            settings[name] = _coerce(raw, default)
    settings.update(overrides or {})
    return settings


def database_url(settings, component):
    """The database URL of one component (a service name or ``accounts``)."""
    return settings[f"{component.upper()}_DATABASE_URL"]
