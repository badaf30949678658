"""event agenda_version: the public agenda's cache key, kept by triggers

Every insert, update or delete of an agenda item or of a background document bumps its event's
``agenda_version`` in the same transaction, whoever writes it.

Revision ID: 7e2c4a9b1d53
Revises: 20d379418148
Create Date: 2026-12-01 10:40:00
"""

import sqlalchemy as sa
from alembic import op

from shared import version_triggers

revision = "7e2c4a9b1d53"
down_revision = "20d379418148"
branch_labels = None
depends_on = None

BUMP_ITEM = "UPDATE events SET agenda_version = agenda_version + 1 WHERE id = {row}.event_id"
BUMP_MATERIAL = ("UPDATE events SET agenda_version = agenda_version + 1 WHERE id = "
                 "(SELECT event_id FROM agenda_items WHERE id = {row}.agenda_item_id)")


def upgrade():
    """Add events.agenda_version and the triggers that keep it."""
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("agenda_version", sa.Integer(), nullable=False,
                                      server_default="0"))
    version_triggers.create("agenda_items", BUMP_ITEM)
    version_triggers.create("materials", BUMP_MATERIAL)


def downgrade():
    """Drop the triggers and the column."""
    version_triggers.drop("materials")
    version_triggers.drop("agenda_items")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("agenda_version")
