"""The memo service's declarative base, database, outbox and a portable enum column."""

import sqlalchemy as sa

from shared.db import Database, make_base
from shared.outbox import outbox_models

Base = make_base()
db = Database("memo", Base)
OutboxMessage, ProcessedMessage = outbox_models(Base)


def enum_column(kind):
    """A portable string column for a StrEnum (no native enum type, so migrations stay simple)."""
    return sa.Enum(kind, native_enum=False, length=20, values_callable=lambda e: [m.value for m in e])


def refuse_changes(model, error):
    """Make ``model`` append-only in the ORM: any update or delete of a row raises ``error``."""

    def _refuse(_mapper, _connection, target):
        raise error(f"{model.__tablename__} row {target.id} cannot be changed")

    sa.event.listen(model, "before_update", _refuse)
    sa.event.listen(model, "before_delete", _refuse)
