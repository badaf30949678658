"""forum changes: cancelled and withdrawn forums in the plan and the feed

``planned_forums`` learns when a forum was cancelled (and why), withdrawn (made a targeted
session) or last changed; ``announcements`` learns when one was withdrawn from the feed.

Revision ID: 7d3b1e9f0a25
Revises: c4d2e8f1a6b3
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "7d3b1e9f0a25"
down_revision = "c4d2e8f1a6b3"
branch_labels = None
depends_on = None


def upgrade():
    """Add the columns."""
    with op.batch_alter_table("planned_forums", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", shared.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("cancel_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_at", shared.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("changed_at", shared.db.UTCDateTime(timezone=True),
                                      nullable=True))
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.add_column(sa.Column("withdrawn_at", shared.db.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    """Drop them."""
    with op.batch_alter_table("announcements", schema=None) as batch_op:
        batch_op.drop_column("withdrawn_at")
    with op.batch_alter_table("planned_forums", schema=None) as batch_op:
        for name in ("changed_at", "withdrawn_at", "cancel_reason", "cancelled_at"):
            batch_op.drop_column(name)
