"""Alembic environment of the registration service."""

from alembic import context

from services.registration.models import Base
from shared.migrate import run_env

run_env(context, Base.metadata)
