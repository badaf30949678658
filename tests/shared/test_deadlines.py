"""The app's own database deadlines end before gunicorn's worker timeout, and that before nginx's.

So a slow or vanished database is always answered by the app (503 with Retry-After), never by
gunicorn killing the worker (a bare HTML 500) nor by nginx giving up (a 504). Every gunicorn of
docker-compose.yml runs with the suite's gunicorn settings.
"""

import re
from pathlib import Path

import yaml

from foorumi import gunicorn_conf
from shared import deadlines
from shared.config import DEFAULTS, SERVICES

ROOT = Path(__file__).resolve().parents[2]


def test_gunicorn_waits_longer_than_any_database_deadline():
    longest = (deadlines.POOL_TIMEOUT_SECONDS + deadlines.CONNECT_TIMEOUT_SECONDS
               + max(deadlines.LOCK_TIMEOUT_SECONDS, deadlines.STATEMENT_TIMEOUT_SECONDS))
    assert gunicorn_conf.timeout > longest
    assert gunicorn_conf.graceful_timeout >= gunicorn_conf.timeout


def test_gunicorn_waits_longer_than_the_apps_other_deadlines():
    for name in ("SEAT_LOCK_TIMEOUT_SECONDS", "MEMO_LOCK_TIMEOUT_SECONDS",
                 "MEMO_API_TIMEOUT_SECONDS", "SMTP_TIMEOUT"):
        assert DEFAULTS[name] < gunicorn_conf.timeout, name


def test_nginx_waits_longer_than_gunicorn():
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    read_timeout = int(re.search(r"proxy_read_timeout\s+(\d+)s;", nginx).group(1))
    assert gunicorn_conf.timeout < read_timeout


def test_every_gunicorn_of_the_compose_file_uses_the_suites_settings():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]
    for name in ("portal", *SERVICES):
        command = compose[name]["command"]
        command = command if isinstance(command, str) else " ".join(command)
        assert command.startswith("gunicorn --config python:foorumi.gunicorn_conf "), name
