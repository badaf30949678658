"""The ``foorumi`` command: serve, worker, beat, migrate, user create, demo, announce-again."""

import argparse
import getpass
import secrets
import sys

from shared import config

MIN_PASSWORD_LENGTH = 10
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def cmd_migrate(args):
    """Bring every database to the newest schema."""
    from foorumi.migrations import make_revision, upgrade_all

    if args.revision:
        make_revision(args.component, args.revision)
        return 0
    upgrade_all()
    print("foorumi: databases are up to date")
    return 0


def cmd_user_create(args):
    """Create a staff user with one or more roles."""
    from sqlalchemy.exc import IntegrityError

    from foorumi.apps import create_portal
    from shared.auth import accounts_db, create_user

    generated = not args.password and not sys.stdin.isatty()
    password = args.password or (
        secrets.token_urlsafe(12) if generated else getpass.getpass("Password: ")
    )
    if len(password) < MIN_PASSWORD_LENGTH:
        print(f"foorumi: the password needs {MIN_PASSWORD_LENGTH} characters or more",
              file=sys.stderr)
        return 1
    with create_portal().app_context():
        try:
            create_user(args.email, args.name or args.email, password, args.role)
            accounts_db.session.commit()
        except IntegrityError:
            print(f"foorumi: a user {args.email} exists already", file=sys.stderr)
            return 1
    shown = f" with password {password}" if generated else ""
    print(f"foorumi: created {args.email} ({', '.join(args.role)}){shown}")
    return 0


def cmd_demo(args):
    """Seed demo data and print the demo staff logins."""
    from foorumi.demo import DemoRefused, seed

    try:
        seed()
    except DemoRefused as exc:
        print(f"foorumi: {exc}", file=sys.stderr)
        return 2
    return 0


def cmd_announce_again(args):
    """Send ``event.published`` again for every published and held event."""
    from foorumi.apps import create_services
    from services.registration.announcing import announce_again
    from services.registration.models import db

    app = create_services(only=("registration",))["registration"]
    with app.app_context():
        count = announce_again()
        db.session.commit()
    print(f"foorumi: announced {count} published or held events again; the worker relays them")
    return 0


def cmd_worker(args):
    """Run a Celery worker for the given queues (default: all four)."""
    from foorumi.runner import run_worker

    return run_worker(args.queues, args.concurrency, args.pool, args.loglevel)


def cmd_beat(args):
    """Run Celery beat: the outbox relays, reminders and other periodic work."""
    from foorumi.runner import run_beat

    return run_beat(args.loglevel)


def cmd_serve(args):
    """Serve the whole suite on one port, with a worker and beat beside it."""
    from foorumi.runner import serve

    if config.load()["ENV"] == "production":
        print("foorumi: refusing to serve in production: `foorumi serve` is the embedded "
              "development server; run each service under gunicorn (see docker-compose.yml)",
              file=sys.stderr)
        return 2
    loglevel = "INFO" if args.verbose else "WARNING"
    return serve(args.host, args.port, with_worker=not args.no_worker, loglevel=loglevel)


def build_parser():
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="foorumi", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="serve everything at http://HOST:PORT/ (embedded mode)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-worker", action="store_true", help="do not start a worker and beat")
    p.add_argument("--verbose", action="store_true", help="log every task of the worker and beat")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("worker", help="run a Celery worker")
    p.add_argument("--queues", default=",".join(config.SERVICES))
    p.add_argument("--concurrency", type=int, default=2)
    p.add_argument("--pool", default="prefork", choices=["prefork", "threads", "solo"])
    p.add_argument("--loglevel", default="INFO", choices=LOG_LEVELS)
    p.set_defaults(func=cmd_worker)

    p = sub.add_parser("beat", help="run Celery beat")
    p.add_argument("--loglevel", default="INFO", choices=LOG_LEVELS)
    p.set_defaults(func=cmd_beat)

    p = sub.add_parser("migrate", help="run the database migrations")
    p.add_argument("--revision", metavar="MESSAGE", help="autogenerate a revision instead")
    p.add_argument("--component", default="registration",
                   choices=["accounts", *config.SERVICES])
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("demo", help="seed demo data and print the demo logins")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("announce-again", help="announce every published event again (for a "
                       "service added after them, e.g. memo's presenters)")
    p.set_defaults(func=cmd_announce_again)

    p = sub.add_parser("user", help="manage staff users")
    user_sub = p.add_subparsers(dest="user_command", required=True)
    c = user_sub.add_parser("create", help="create a staff user")
    c.add_argument("--email", required=True)
    c.add_argument("--name")
    c.add_argument("--password", help="default: ask, or generate one when not on a terminal")
    c.add_argument("--role", action="append", required=True,
                   choices=["admin", "secretary", "moderator", "working_group", "communications"])
    c.set_defaults(func=cmd_user_create)
    return parser


def main(argv=None):
    """Entry point of the ``foorumi`` console script."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args) or 0
    except config.ConfigError as exc:
        print(f"foorumi: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
