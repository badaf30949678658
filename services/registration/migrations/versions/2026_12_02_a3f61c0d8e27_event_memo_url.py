"""event memo_url: the forum's published memo, as memo.published announced it

Shown on the event page outside the cached agenda fragment, so no agenda_version trigger is
needed for it.

Revision ID: a3f61c0d8e27
Revises: 7e2c4a9b1d53
Create Date: 2026-12-02 11:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "a3f61c0d8e27"
down_revision = "7e2c4a9b1d53"
branch_labels = None
depends_on = None


def upgrade():
    """Add events.memo_url."""
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("memo_url", sa.String(length=500), nullable=True))


def downgrade():
    """Drop events.memo_url."""
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("memo_url")
