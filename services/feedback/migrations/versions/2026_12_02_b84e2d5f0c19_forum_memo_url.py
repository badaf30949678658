"""forum memo_url: the forum's published memo, as memo.published announced it

Revision ID: b84e2d5f0c19
Revises: 3b7d9e2a5c41
Create Date: 2026-12-02 11:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b84e2d5f0c19"
down_revision = "3b7d9e2a5c41"
branch_labels = None
depends_on = None


def upgrade():
    """Add forums.memo_url."""
    with op.batch_alter_table("forums", schema=None) as batch_op:
        batch_op.add_column(sa.Column("memo_url", sa.String(length=500), nullable=True))


def downgrade():
    """Drop forums.memo_url."""
    with op.batch_alter_table("forums", schema=None) as batch_op:
        batch_op.drop_column("memo_url")
