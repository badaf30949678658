"""announcement segment: a forum's series' newsletter segment, the composer's default

Revision ID: b6e1d4a9c273
Revises: 7d3b1e9f0a25
Create Date: 2026-12-06 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "b6e1d4a9c273"
down_revision = "7d3b1e9f0a25"
branch_labels = None
depends_on = None


def upgrade():
    """Add announcements.segment (NULL: everyone)."""
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("segment", sa.JSON(), nullable=True))


def downgrade():
    """Drop announcements.segment."""
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.drop_column("segment")
