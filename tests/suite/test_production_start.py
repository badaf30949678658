"""The production entry points refuse unsafe settings, and serve safely with good ones.

Each test starts the real entry point as its own process: gunicorn on a service's WSGI module
(as docker-compose.yml does), or the ``foorumi`` command.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests

from shared.testing.smtp import free_port
from shared.testing.waiting import wait_until
from tests.suite.test_cli import foorumi

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
STRONG = "p" * 16 + "r" * 32
REFUSAL = "refusing to start in production: FOORUMI_SECRET_KEY is not set"


def gunicorn(folder, module, port, **env):
    """Start gunicorn on ``module`` with production settings plus ``env``; returns the process."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("FOORUMI_")}
    environ.update(FOORUMI_ENV="production", FOORUMI_INSTANCE_DIR=str(folder), **env)
    return subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "--no-control-socket", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", module],
        env=environ, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_gunicorn_refuses_to_start_production_on_the_default_secret(tmp_path):
    server = gunicorn(tmp_path, "services.registration.wsgi:app", free_port(),
                      FOORUMI_MAIL_BACKEND="smtp")
    try:
        output, _ = server.communicate(timeout=60)
    finally:
        server.kill()
    assert server.returncode != 0
    assert f"foorumi: {REFUSAL}" in output
    assert "FOORUMI_SECRET_KEY=$(python3 -c" in output


def test_gunicorn_refuses_production_with_the_dev_mailbox_backend(tmp_path):
    server = gunicorn(tmp_path, "services.notify.wsgi:app", free_port(),
                      FOORUMI_SECRET_KEY=STRONG, FOORUMI_MAIL_BACKEND="devmailbox")
    try:
        output, _ = server.communicate(timeout=60)
    finally:
        server.kill()
    assert server.returncode != 0
    assert "FOORUMI_MAIL_BACKEND must be smtp" in output


@pytest.fixture
def migrated(tmp_path):
    """An instance folder with migrated SQLite databases."""
    assert foorumi(tmp_path, "migrate").returncode == 0
    return tmp_path


def test_production_serves_with_a_strong_secret_and_no_dev_mailbox(migrated):
    port = free_port()
    server = gunicorn(migrated, "services.notify.wsgi:app", port, SCRIPT_NAME="/notify",
                      FOORUMI_SECRET_KEY=STRONG, FOORUMI_MAIL_BACKEND="smtp", FOORUMI_DEV_MAILBOX="1")
    base = f"http://127.0.0.1:{port}/notify"
    try:
        wait_until(lambda: _answers(base + "/"), timeout=60, message="gunicorn up")
        assert requests.get(base + "/dev/mailbox/", timeout=5).status_code == 404
        login = requests.get(base + "/staff/login", timeout=5)
        assert login.status_code == 200
        assert "Secure" in login.headers["Set-Cookie"]
    finally:
        server.terminate()
        server.communicate(timeout=30)


def _answers(url):
    """Whether ``url`` answers 200 yet."""
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.ConnectionError:
        return False


@pytest.mark.parametrize("command", [["worker"], ["beat"], ["migrate"]])
def test_the_other_entry_points_refuse_the_default_secret_too(tmp_path, command):
    result = foorumi(tmp_path, *command, extra_env={"FOORUMI_ENV": "production",
                                                    "FOORUMI_MAIL_BACKEND": "smtp"}, timeout=60)
    assert result.returncode == 2
    assert result.stderr.strip() == f"foorumi: {REFUSAL}; {_hint()}"


def _hint():
    """The one-line advice every refusal ends with."""
    from shared.config import SECRET_HINT

    return SECRET_HINT


def test_the_embedded_server_is_refused_in_production(tmp_path):
    result = foorumi(tmp_path, "serve", extra_env={
        "FOORUMI_ENV": "production", "FOORUMI_SECRET_KEY": STRONG, "FOORUMI_MAIL_BACKEND": "smtp"})
    assert result.returncode == 2
    assert "refusing to serve in production" in result.stderr
