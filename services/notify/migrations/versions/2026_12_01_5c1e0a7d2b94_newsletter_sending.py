"""newsletter sending: delivery claims, lane heartbeat, spent tokens

Revision ID: 5c1e0a7d2b94
Revises: 18b65e9182b7
Create Date: 2026-12-01 07:30:00
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "5c1e0a7d2b94"
down_revision = "18b65e9182b7"
branch_labels = None
depends_on = None


def upgrade():
    """Add the claim columns, the heartbeat and the spent-token table."""
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim_token", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("claimed_at", shared.db.UTCDateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("heartbeat_at", shared.db.UTCDateTime(timezone=True),
                                      nullable=True))
    op.create_table(
        "spent_tokens",
        sa.Column("jti", sa.String(length=32), nullable=False),
        sa.Column("purpose", sa.String(length=50), nullable=False),
        sa.PrimaryKeyConstraint("jti", name=op.f("pk_spent_tokens")),
    )


def downgrade():
    """Drop what upgrade added."""
    op.drop_table("spent_tokens")
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.drop_column("heartbeat_at")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("claimed_at")
        batch_op.drop_column("claim_token")
