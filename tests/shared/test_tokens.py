"""Signed public tokens: sign, load, expiry, tampering, purpose, one-time use (shared.tokens)."""

import itsdangerous.timed
import pytest
import sqlalchemy as sa
from sqlalchemy.orm import Session

from shared import tokens
from shared.db import engine_for


@pytest.fixture
def app(make_app):
    """Any service's app: tokens need its SECRET_KEY."""
    return make_app("notify")


@pytest.fixture
def spent(database_urls, settings):
    """(session, table) of the spent_tokens table in a real test database."""
    table = tokens.spent_tokens_table(sa.MetaData())
    with Session(engine_for(database_urls["registration"])) as session:
        yield session, table


def test_signed_token_carries_its_data_and_a_one_time_id(app):
    with app.app_context():
        token = tokens.sign("confirm-comment", comment_id=7)
        data = tokens.load("confirm-comment", token, max_age=3600)
        other = tokens.load("confirm-comment", tokens.sign("confirm-comment", comment_id=7), 3600)
    assert data["comment_id"] == 7 and len(data["jti"]) == 32
    assert other["jti"] != data["jti"]


def test_expired_token_is_refused(app, monkeypatch):
    with app.app_context():
        real_time = itsdangerous.timed.time.time
        monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() - 7200)
        token = tokens.sign("confirm-comment", comment_id=7)
        monkeypatch.undo()
        with pytest.raises(tokens.TokenExpired):
            tokens.load("confirm-comment", token, max_age=3600)
        assert tokens.load("confirm-comment", token, max_age=3 * 3600)["comment_id"] == 7


@pytest.mark.parametrize("tamper", [
    lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # signature changed
    lambda t: "x" + t,  # payload changed
    lambda t: "",
    lambda t: "not.a.token",
])
def test_tampered_token_is_refused(app, tamper):
    with app.app_context():
        token = tokens.sign("confirm-comment", comment_id=7)
        with pytest.raises(tokens.TokenInvalid):
            tokens.load("confirm-comment", tamper(token), max_age=3600)


def test_token_for_another_purpose_opens_nothing(app):
    with app.app_context():
        token = tokens.sign("confirm-comment", comment_id=7)
        with pytest.raises(tokens.TokenInvalid):
            tokens.load("unsubscribe", token, max_age=3600)


def test_token_signed_with_another_secret_is_refused(make_app):
    with make_app("notify", SECRET_KEY="another").app_context():
        token = tokens.sign("confirm-comment", comment_id=7)
    with make_app("notify").app_context(), pytest.raises(tokens.TokenInvalid):
        tokens.load("confirm-comment", token, max_age=3600)


def test_expired_is_a_kind_of_invalid():
    assert issubclass(tokens.TokenExpired, tokens.TokenInvalid)


def test_a_token_is_spent_once(app, spent):
    session, table = spent
    with app.app_context():
        data = tokens.load("confirm-comment", tokens.sign("confirm-comment", comment_id=7), 3600)
    tokens.spend(session, table, "confirm-comment", data)
    session.commit()
    with pytest.raises(tokens.TokenInvalid):
        tokens.spend(session, table, "confirm-comment", data)
    session.commit()  # the failed second use left the transaction usable
    assert session.scalar(sa.select(sa.func.count()).select_from(table)) == 1


def test_random_tokens_are_long_and_distinct():
    values = {tokens.random_token() for _ in range(100)}
    assert len(values) == 100
    assert all(len(v) >= 43 and "/" not in v and "+" not in v for v in values)


def test_a_token_signed_with_a_retired_key_loads_while_the_key_is_listed(make_app):
    with make_app("notify", SECRET_KEY="old-key").app_context():
        token = tokens.sign("manage", registration_id=3)
    rotated = make_app("notify", SECRET_KEY="new-key", SECRET_KEY_FALLBACKS=["old-key"])
    with rotated.app_context():
        assert tokens.load("manage", token, max_age=3600)["registration_id"] == 3
        fresh = tokens.sign("manage", registration_id=4)
    with make_app("notify", SECRET_KEY="new-key").app_context():
        assert tokens.load("manage", fresh, max_age=3600)["registration_id"] == 4
        with pytest.raises(tokens.TokenInvalid):
            tokens.load("manage", token, max_age=3600)
