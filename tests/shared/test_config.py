"""The rules of the environment: production refuses weak secrets and dev-only features."""

import multiprocessing
import os
import stat

import pytest

from shared import config

STRONG = "k" * 8 + "x" * 40  # 48 bytes


def production(**env):
    """Settings loaded from a production environment plus ``env`` (FOORUMI_ names unprefixed)."""
    environ = {"FOORUMI_ENV": "production", "FOORUMI_SECRET_KEY": STRONG, "FOORUMI_MAIL_BACKEND": "smtp"}
    environ.update({f"FOORUMI_{k}": v for k, v in env.items()})
    return config.load(environ={k: v for k, v in environ.items() if v is not None})


@pytest.mark.parametrize("secret", [None, "", "dev-secret-change-me", "short-but-random-9f3a",
                                    "test-secret"])
def test_production_refuses_a_missing_weak_or_published_secret(secret):
    with pytest.raises(config.ConfigError) as refused:
        production(SECRET_KEY=secret)
    message = str(refused.value)
    assert "FOORUMI_SECRET_KEY" in message and "secrets.token_urlsafe" in message
    assert "\n" not in message


def test_production_refuses_a_weak_fallback_key():
    with pytest.raises(config.ConfigError, match="FOORUMI_SECRET_KEY_FALLBACKS"):
        production(SECRET_KEY_FALLBACKS=f"{'o' * 40},dev-secret-change-me")


def test_production_accepts_a_strong_secret_and_its_fallbacks():
    settings = production(SECRET_KEY_FALLBACKS=f"{'o' * 40}, {'p' * 40}")
    assert settings["SECRET_KEY"] == STRONG
    assert settings["SECRET_KEY_FALLBACKS"] == ["o" * 40, "p" * 40]


@pytest.mark.parametrize("backend", ["devmailbox", "", "sendmail"])
def test_production_refuses_any_mail_backend_but_smtp(backend):
    with pytest.raises(config.ConfigError, match="FOORUMI_MAIL_BACKEND must be smtp"):
        production(MAIL_BACKEND=backend)


def test_production_switches_the_dev_features_off_whatever_the_variables_say():
    settings = production(DEV_MAILBOX="1", SESSION_COOKIE_SECURE="0", SEAT_LOCK_ENABLED="0")
    assert settings["DEV_MAILBOX"] is False
    assert settings["SESSION_COOKIE_SECURE"] is True
    assert settings["SEAT_LOCK_ENABLED"] is True


@pytest.mark.parametrize("env, honoured", [("embedded", False), ("test", True)])
def test_the_seat_lock_switch_is_honoured_only_in_tests(tmp_path, monkeypatch, env, honoured):
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    settings = config.load(environ={"FOORUMI_ENV": env, "FOORUMI_SEAT_LOCK_ENABLED": "0"})
    assert settings["SEAT_LOCK_ENABLED"] is (not honoured)


def test_an_unknown_environment_is_refused():
    with pytest.raises(config.ConfigError, match="FOORUMI_ENV must be one of"):
        config.load(environ={"FOORUMI_ENV": "prod"})


def test_the_embedded_mode_makes_its_own_secret_once_and_keeps_it(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    first = config.load(environ={})["SECRET_KEY"]
    again = config.load(environ={})["SECRET_KEY"]
    assert first == again == (tmp_path / "secret_key").read_text().strip()
    assert len(first.encode()) >= config.SECRET_MIN_BYTES
    assert first not in config.PUBLISHED_SECRETS
    assert stat.S_IMODE(os.stat(tmp_path / "secret_key").st_mode) == 0o600


def test_two_instances_get_different_secrets(tmp_path):
    assert config.instance_secret(tmp_path / "a") != config.instance_secret(tmp_path / "b")


def _secret_of(folder):
    """One process's view of the instance secret."""
    return config.instance_secret(folder)


def test_processes_starting_at_once_agree_on_one_secret(tmp_path):
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        secrets = pool.map(_secret_of, [tmp_path] * 16)
    assert len(set(secrets)) == 1
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]


def test_an_explicit_secret_wins_over_the_instance_file(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "INSTANCE_DIR", tmp_path)
    assert config.load(environ={"FOORUMI_SECRET_KEY": STRONG})["SECRET_KEY"] == STRONG
    assert not (tmp_path / "secret_key").exists()
