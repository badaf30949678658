"""forum series recipients: the series' memo recipients and partners, and cancelled_at

Revision ID: d3a8f5c1e692
Revises: 9c4d2b7e1f60
Create Date: 2026-12-06 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "d3a8f5c1e692"
down_revision = "9c4d2b7e1f60"
branch_labels = None
depends_on = None


def upgrade():
    """Add forums.memo_recipients, forums.partners and forums.cancelled_at."""
    with op.batch_alter_table("forums", schema=None) as batch_op:
        batch_op.add_column(sa.Column("memo_recipients", sa.JSON(), nullable=False,
                                      server_default="[]"))
        batch_op.add_column(sa.Column("partners", sa.JSON(), nullable=False, server_default="[]"))
        batch_op.add_column(sa.Column("cancelled_at", shared.db.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    """Drop them."""
    with op.batch_alter_table("forums", schema=None) as batch_op:
        for name in ("cancelled_at", "partners", "memo_recipients"):
            batch_op.drop_column(name)
