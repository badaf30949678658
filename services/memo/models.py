"""The memo service's data (its domain arrives with its own issue; the outbox is here already)."""

from shared.db import Database, make_base
from shared.outbox import outbox_models

Base = make_base()
db = Database("memo", Base)
OutboxMessage, ProcessedMessage = outbox_models(Base)
