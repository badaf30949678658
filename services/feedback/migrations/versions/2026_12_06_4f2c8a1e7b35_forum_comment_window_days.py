"""forum comment_window_days: the series' least comment days, kept from event.published

Revision ID: 4f2c8a1e7b35
Revises: e5a92c7d1f48
Create Date: 2026-12-06 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "4f2c8a1e7b35"
down_revision = "e5a92c7d1f48"
branch_labels = None
depends_on = None


def upgrade():
    """Add forums.comment_window_days (NULL: the settings' days)."""
    with op.batch_alter_table("forums", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comment_window_days", sa.Integer(), nullable=True))


def downgrade():
    """Drop forums.comment_window_days."""
    with op.batch_alter_table("forums", schema=None) as batch_op:
        batch_op.drop_column("comment_window_days")
