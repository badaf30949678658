"""campaign resumed_at: the error rate counts the attempts since the last resume

Revision ID: c4d2e8f1a6b3
Revises: 9a3f6c2e1d70
Create Date: 2026-12-01 07:45:00
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "c4d2e8f1a6b3"
down_revision = "9a3f6c2e1d70"
branch_labels = None
depends_on = None


def upgrade():
    """Add campaigns.resumed_at."""
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("resumed_at", shared.db.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    """Drop it."""
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("resumed_at")
