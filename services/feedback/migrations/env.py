"""Alembic environment of the feedback service."""

from alembic import context

from services.feedback.models import Base
from shared.migrate import run_env

run_env(context, Base.metadata)
