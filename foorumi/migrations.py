"""Run every component's Alembic migrations (accounts first, then the four services)."""

from pathlib import Path

from shared import config, migrate

ROOT = Path(__file__).resolve().parent.parent

#: component -> its migrations folder
FOLDERS = {
    "accounts": ROOT / "shared" / "migrations",
    **{s: ROOT / "services" / s / "migrations" for s in config.SERVICES},
}


def upgrade_all(settings=None):
    """Bring every component's database to its newest revision."""
    settings = settings or config.load()
    config.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    for component, folder in FOLDERS.items():
        migrate.upgrade(component, folder, config.database_url(settings, component))


def make_revision(component, message, settings=None):
    """Autogenerate a revision of ``component`` against its current database."""
    settings = settings or config.load()
    url = config.database_url(settings, component)
    migrate.revision(component, FOLDERS[component], url, message)
