"""campaign announcement: the forum announcement a newsletter was started from

Revision ID: 9a3f6c2e1d70
Revises: 5c1e0a7d2b94
Create Date: 2026-12-01 07:35:00
"""

import sqlalchemy as sa
from alembic import op

revision = "9a3f6c2e1d70"
down_revision = "5c1e0a7d2b94"
branch_labels = None
depends_on = None


def upgrade():
    """Add campaigns.announcement_id (the communications plan counts the announcement as done)."""
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("announcement_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_campaigns_announcement_id"), ["announcement_id"],
                              unique=False)


def downgrade():
    """Drop it."""
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_campaigns_announcement_id"))
        batch_op.drop_column("announcement_id")
