"""Configuration: defaults, then ``FOORUMI_*`` environment variables, then explicit overrides.

Every setting has one name. The environment variable is that name prefixed with ``FOORUMI_``
(``FOORUMI_REGISTRATION_DATABASE_URL``). The policy numbers of the forum's written policy live
here and nowhere else.

:func:`load` also applies the rules of the environment (:func:`enforce`): production refuses a
weak or published secret and any mail backend but SMTP, and switches the dev-only features off
whatever other variables say; the embedded mode makes its own random secret on first run; the
test-only switches are honoured only with ``FOORUMI_ENV=test``.
"""

import contextlib
import os
import secrets
from pathlib import Path

INSTANCE_DIR = Path(os.environ.get("FOORUMI_INSTANCE_DIR", Path.cwd() / "instance")).resolve()

SERVICES = ("registration", "feedback", "memo", "notify")
LANGUAGES = ("fi", "sv", "en")


def _sqlite(name):
    """The embedded default database URL of one component: a SQLite file under instance/."""
    return f"sqlite:///{INSTANCE_DIR / (name + '.sqlite')}"


DEFAULTS = {
    # -- the deployment
    # signs sessions and emailed tokens; empty: the embedded mode keeps a random one in
    # instance/secret_key, production refuses to start
    "SECRET_KEY": "",
    # older keys that still verify sessions and tokens while new ones are signed with SECRET_KEY
    "SECRET_KEY_FALLBACKS": (),
    "ENV": "embedded",  # embedded | production | test
    "PUBLIC_URL": "http://127.0.0.1:8000",
    "DEV_MAILBOX": True,
    "SESSION_COOKIE_SECURE": False,
    "TRUSTED_PROXIES": 0,  # reverse proxies in front (nginx: 1) whose X-Forwarded-* are believed
    # -- staff sessions: ended after this long at the latest, or after this long unused
    "SESSION_HOURS": 12,
    "SESSION_IDLE_MINUTES": 60,
    # -- databases, one per service and one for staff accounts
    "ACCOUNTS_DATABASE_URL": _sqlite("accounts"),
    **{f"{s.upper()}_DATABASE_URL": _sqlite(s) for s in SERVICES},
    "DATABASE_ECHO": False,
    # requests `foorumi serve` runs at once (the rest wait their turn); each SQLite pool holds
    # two connections for each of them
    "SERVE_THREADS": 16,
    # -- the message broker (embedded: kombu's SQLAlchemy transport, no server)
    "BROKER_URL": f"sqla+sqlite:///{INSTANCE_DIR / 'broker.sqlite'}",
    "OUTBOX_RELAY_INTERVAL": 2.0,
    # beat looks at its schedule at least this often (Celery's default); a test on a simulated
    # clock sets 1, so beat sees each jump of the clock within a second
    "BEAT_MAX_LOOP_SECONDS": 300.0,
    "PUBLISH_IMMEDIATELY": True,
    # every Redis and broker client has connect and socket timeouts, and none retries for seconds:
    # seconds to open a broker connection (workers and beat then retry for as long as it's away)
    "BROKER_CONNECT_TIMEOUT": 2.0,
    # seconds a worker, beat or the relay waits for one broker reply
    "BROKER_SOCKET_TIMEOUT": 5.0,
    # seconds the publish right after a commit waits to connect and for each reply: the most a
    # request waits on the broker (what it could not send, beat's relay sends)
    "OUTBOX_PUBLISH_TIMEOUT": 0.1,
    # Redis: seconds a message handed to a worker may stay unacknowledged before Redis gives it
    # to another worker (a task delayed past it runs twice; scheduled work never relies on it)
    "BROKER_VISIBILITY_TIMEOUT": 3600.0,
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
    # seconds the limits wait to connect to their Redis and for each reply; past it (or when it
    # is down) they count in each process's memory until it answers again
    "RATELIMIT_STORAGE_TIMEOUT": 0.2,
    "RATELIMIT_PER_IP": "30 per minute",
    "RATELIMIT_PER_EMAIL": "5 per minute",
    "RATELIMIT_LOGIN": "10 per minute",  # login attempts per IP
    "RATELIMIT_LOGIN_PER_ACCOUNT": "5 per minute",  # login attempts per account, from anywhere
    # -- uploads and request size
    "MAX_CONTENT_LENGTH": 25 * 1024 * 1024,
    "MATERIAL_MAX_BYTES": 20 * 1024 * 1024,
    "CAPTION_MAX_BYTES": 2 * 1024 * 1024,  # a recording's WebVTT caption file
    # -- request bodies: over its route's limit a request gets 413 before its body is read;
    #    MAX_CONTENT_LENGTH above is the limit of the upload routes only
    "FORM_MAX_BYTES": 256 * 1024,  # a posted form (a registration with long answers fits)
    "JSON_MAX_BYTES": 64 * 1024,  # a JSON API body (a 5,000-character comment fits many times)
    # the newsletter composer, page and API: three 50,000-character texts, percent-encoded
    "NEWSLETTER_MAX_BYTES": 1024 * 1024,
    "JSON_MAX_DEPTH": 32,  # arrays and objects inside each other in a JSON body; deeper: 400
    # -- the forum's written policy (toimintalinjaus)
    "POLICY_PUBLISH_LEAD_DAYS": 7,
    "POLICY_COMMENT_WINDOW_MIN_DAYS": 7,
    "POLICY_RECORDING_VISIBLE_DAYS": 14,
    # law 306/2019: a recording kept online is captioned within this many days of publication;
    # the staff page warns (amber) this many days before that deadline
    "POLICY_CAPTION_DEADLINE_DAYS": 14,
    "CAPTION_DEADLINE_WARNING_DAYS": 3,
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
    "PLAN_RECORDING_DAYS_AFTER": 2,  # the recording is published this long after the forum
    "PLAN_MEMO_DAYS_AFTER_COMMENTS": 14,  # the memo follows the comment window's close
    "PLAN_ICAL_DAYS": 400,  # a staff member's plan feed link stays valid this long
    # -- registration's forum cycle: milestone due dates after the comment window closes, and
    #    how early the responsible role is emailed that a milestone falls due
    "CYCLE_MEMO_DRAFTED_DAYS_AFTER_COMMENTS": 7,
    "CYCLE_MEMO_REVIEWED_DAYS_AFTER_COMMENTS": 12,
    "CYCLE_MEMO_DELIVERED_DAYS_AFTER_PUBLISHED": 2,
    "CYCLE_NOTICE_DAYS_BEFORE": 3,
    # the milestones API answers a range of at most this many days (notify's plan asks for a
    # year back and a year ahead)
    "CYCLE_MILESTONES_MAX_DAYS": 731,
    # how often beat moves forums through their milestones (held, registration closed, the
    # recording expired) and emails the responsible roles
    "CYCLE_TICK_SECONDS": 300.0,
    # the participation statistics read the comment counts from feedback's JSON API (empty:
    # PUBLIC_URL's /feedback); a page waits this long for it, then says the figures are missing
    "FEEDBACK_API_URL": "",
    "STATISTICS_API_TIMEOUT_SECONDS": 3.0,
    # -- registration
    "REMINDER_HOURS_BEFORE": 24,
    # how often beat looks in the database for reminders that are due (never broker ETAs)
    "REMINDER_TICK_SECONDS": 300.0,
    "SEAT_LOCK_TIMEOUT_SECONDS": 3,
    "SEAT_LOCK_ENABLED": True,  # test-only switch: False must make the concurrency test overbook
    # -- memo: the working group's sign-off. A memo is approved when the rule is met and no
    #    member's request for changes is open: "majority" (more than half of the current council
    #    term's members), "all" (every member) or "count" (MEMO_APPROVAL_COUNT members)
    "MEMO_APPROVAL_RULE": "majority",
    "MEMO_APPROVAL_COUNT": 3,
    "MEMO_LOCK_TIMEOUT_SECONDS": 3,  # a sign-off waits this long for the memo's row lock
    # memo reads approved comments from feedback's JSON API (empty: PUBLIC_URL's) and the
    # attendance from registration's (REGISTRATION_API_URL above); answers wait this long
    "MEMO_FEEDBACK_API_URL": "",
    "MEMO_API_TIMEOUT_SECONDS": 5.0,
    #: how long the PDF of a memo may take to render (in its own process) before it is given up
    "MEMO_PDF_TIMEOUT_SECONDS": 300.0,
    # the county's name at the top of each page of a published memo's PDF (empty: a generic name)
    "MEMO_COUNTY_NAME": "",
    # members who have not answered a review round after this many working days (Finnish
    # holidays off) get one reminder per round
    "MEMO_REMINDER_WORKING_DAYS": 3,
    # the editor posts a memo's whole text (500,000 characters at most, URL-encoded)
    "MEMO_FORM_MAX_BYTES": 4 * 1024 * 1024,
    # the working group should reflect these: the composition view warns of each with nobody
    # (codes; memo's pages name them)
    "MEMO_INDUSTRIES": ("elderly_care", "disability", "child_family", "mental_health",
                        "health_care", "home_care", "other"),
    "MEMO_REGIONS": ("north", "south", "east", "west", "centre"),
    # -- time and language
    "TIMEZONE": "Europe/Helsinki",
    "DEFAULT_LOCALE": "fi",
}


#: the environments, and what each one is for
ENVIRONMENTS = ("embedded", "production", "test")
#: the shortest secret production accepts, in bytes
SECRET_MIN_BYTES = 32
#: secrets that were published (in this repository, its history or its docs): never accepted
PUBLISHED_SECRETS = frozenset(  # noqa: S105 - refused, never used
    {"dev-secret-change-me", "test-secret", "bench-secret", "change-me"})
SECRET_HINT = ("set FOORUMI_SECRET_KEY to a random value of at least 32 bytes, e.g. "  # noqa: S105
               "FOORUMI_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')")


class ConfigError(Exception):
    """The settings are not safe to run with; the message is one line saying what to change."""


def _coerce(raw, default):
    """Turn an environment string into the type of its default."""
    if isinstance(default, tuple):  # a list: comma- or space-separated
        return tuple(part for part in raw.replace(",", " ").split() if part)
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
    return enforce(settings)


def enforce(settings):
    """Apply the rules of ``settings["ENV"]`` in place and return the settings.

    Raises ConfigError when production would run on a weak secret or without SMTP.
    """
    env = settings["ENV"]
    if env not in ENVIRONMENTS:
        raise ConfigError(f"FOORUMI_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    settings["SECRET_KEY_FALLBACKS"] = list(settings["SECRET_KEY_FALLBACKS"])
    if env == "production":
        _check_production(settings)
        settings.update(DEV_MAILBOX=False, SESSION_COOKIE_SECURE=True)
    elif not settings["SECRET_KEY"]:
        settings["SECRET_KEY"] = instance_secret()
    if env != "test":  # switches that exist only to prove a test can fail
        settings["SEAT_LOCK_ENABLED"] = True
    return settings


def _check_production(settings):
    """Refuse what production must never run with."""
    for key in [settings["SECRET_KEY"], *settings["SECRET_KEY_FALLBACKS"]]:
        weak = len(key.encode()) < SECRET_MIN_BYTES or key in PUBLISHED_SECRETS
        if weak:
            which = "FOORUMI_SECRET_KEY" if key == settings["SECRET_KEY"] else \
                "a key in FOORUMI_SECRET_KEY_FALLBACKS"
            state = "is not set" if not key else "is too weak or published"
            raise ConfigError(f"refusing to start in production: {which} {state}; {SECRET_HINT}")
    if settings["MAIL_BACKEND"] != "smtp":
        raise ConfigError("refusing to start in production: FOORUMI_MAIL_BACKEND must be smtp "
                          f"(it is {settings['MAIL_BACKEND']!r}); set FOORUMI_SMTP_HOST and _PORT "
                          "to your relay")


def instance_secret(folder=None):
    """The embedded instance's own random secret, made on first use and kept in ``secret_key``.

    Safe when several processes start at once: the file appears whole or not at all.
    """
    folder = Path(folder or INSTANCE_DIR)
    path = folder / "secret_key"
    with contextlib.suppress(FileNotFoundError):
        return path.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    draft = folder / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as out:
        out.write(secrets.token_urlsafe(48))
    try:
        os.link(draft, path)  # atomic; fails if another process got there first
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()


def database_url(settings, component):
    """The database URL of one component (a service name or ``accounts``)."""
    return settings[f"{component.upper()}_DATABASE_URL"]
