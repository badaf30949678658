"""forum window_opened_at: feedback.window_opened was written for the forum

Revision ID: a3c81f5e7d20
Revises: 4f2c8a1e7b35
Create Date: 2026-12-06 12:00:00
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "a3c81f5e7d20"
down_revision = "4f2c8a1e7b35"
branch_labels = None
depends_on = None


def upgrade():
    """Add forums.window_opened_at."""
    with op.batch_alter_table("forums", schema=None) as batch_op:
        batch_op.add_column(sa.Column("window_opened_at", shared.db.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    """Drop forums.window_opened_at."""
    with op.batch_alter_table("forums", schema=None) as batch_op:
        batch_op.drop_column("window_opened_at")
