"""Alembic for each component: its own migrations folder, database URL and version table.

A component's ``migrations/env.py`` calls :func:`run_env` with its metadata. The suite's
``foorumi migrate`` calls :func:`upgrade` for every component.
"""

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.environment import EnvironmentContext  # noqa: F401

from shared.db import engine_for


def alembic_config(component, migrations_dir, url):
    """An Alembic Config for ``component`` without an ini file."""
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(migrations_dir)))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    cfg.attributes["component"] = component
    return cfg


def upgrade(component, migrations_dir, url, revision="head"):
    """Bring ``component``'s database to ``revision``."""
    command.upgrade(alembic_config(component, migrations_dir, url), revision)


def revision(component, migrations_dir, url, message):
    """Autogenerate a new revision for ``component`` from its models."""
    command.revision(alembic_config(component, migrations_dir, url), message=message,
                     autogenerate=True)


def run_env(context, metadata):
    """The body of every env.py: run migrations online with the component's version table."""
    cfg = context.config
    component = cfg.attributes.get("component") or Path(cfg.get_main_option("script_location")).parent.name
    engine = engine_for(cfg.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            version_table=f"alembic_version_{component}",
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()
