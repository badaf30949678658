"""Signed public tokens for links in emails.

Two kinds:

* :func:`random_token` — an unguessable opaque token a service stores on its row (a registration's
  manage link). It lives as long as the row and can be revoked by changing the column.
* :func:`sign` / :func:`load` — a signed, timed token carrying a small payload and a one-time id
  (``jti``). A service that must accept a token once records the ``jti`` (see :func:`spend`).

Links carrying a token answer GET with a confirm page and act only on POST, so mail scanners that
pre-open links change nothing.
"""

import secrets
import uuid

import sqlalchemy as sa
from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError


class TokenInvalid(Exception):
    """The token was tampered with, is for another purpose, or was already used."""


class TokenExpired(TokenInvalid):
    """The token was genuine but is older than its purpose allows."""


def random_token():
    """32 bytes of randomness, URL-safe: for tokens stored on a row."""
    return secrets.token_urlsafe(32)


def signing_keys(config):
    """The keys that verify, oldest first: itsdangerous signs with the last (``SECRET_KEY``)."""
    return [*reversed(config.get("SECRET_KEY_FALLBACKS") or ()), config["SECRET_KEY"]]


def _serializer(purpose):
    """A serializer whose salt is the purpose, so a token for one thing opens nothing else.

    Tokens signed with a key of ``SECRET_KEY_FALLBACKS`` still load while the key is listed.
    """
    return URLSafeTimedSerializer(signing_keys(current_app.config), salt=f"foorumi.{purpose}")


def sign(purpose, **data):
    """A token for ``purpose`` carrying ``data`` and a fresh one-time id."""
    return _serializer(purpose).dumps({**data, "jti": uuid.uuid4().hex})


def load(purpose, token, max_age):
    """The data of a token for ``purpose`` no older than ``max_age`` seconds.

    Raises TokenExpired or TokenInvalid.
    """
    try:
        return _serializer(purpose).loads(token, max_age=max_age)
    except SignatureExpired as exc:
        raise TokenExpired(str(exc)) from exc
    except BadSignature as exc:
        raise TokenInvalid(str(exc)) from exc


def spent_tokens_table(metadata):
    """The ``spent_tokens`` table of a service: one row per one-time token already used."""
    return sa.Table(
        "spent_tokens",
        metadata,
        sa.Column("jti", sa.String(32), primary_key=True),
        sa.Column("purpose", sa.String(50), nullable=False),
    )


def spend(session, table, purpose, data):
    """Record the token's one-time id in the caller's transaction; raise TokenInvalid if used."""
    try:
        with session.begin_nested():
            session.execute(table.insert().values(jti=data["jti"], purpose=purpose))
    except IntegrityError as exc:
        raise TokenInvalid("token already used") from exc
