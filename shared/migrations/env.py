"""Alembic environment of the staff accounts database."""

from alembic import context

from shared.auth import Base
from shared.migrate import run_env

run_env(context, Base.metadata)
