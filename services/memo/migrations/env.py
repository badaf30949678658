"""Alembic environment of the memo service."""

from alembic import context

from services.memo.models import Base
from shared.migrate import run_env

run_env(context, Base.metadata)
