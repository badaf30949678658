"""forum cancelled_at: registration cancelled the forum (event.cancelled)

Revision ID: e5a92c7d1f48
Revises: b84e2d5f0c19
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "e5a92c7d1f48"
down_revision = "b84e2d5f0c19"
branch_labels = None
depends_on = None


def upgrade():
    """Add forums.cancelled_at."""
    with op.batch_alter_table("forums", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", shared.db.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    """Drop forums.cancelled_at."""
    with op.batch_alter_table("forums", schema=None) as batch_op:
        batch_op.drop_column("cancelled_at")
