"""campaign review: a newsletter whose forum changed or was cancelled after it was written

``campaigns`` learns why the staff must check it (the forum changed, became a targeted session or
was cancelled), when, which forum, what changed and why, and whether notify updated its own
generated date line (:mod:`services.notify.campaign_review`).

Revision ID: 4e6a74d84611
Revises: b6e1d4a9c273
Create Date: 2026-12-07 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "4e6a74d84611"
down_revision = "b6e1d4a9c273"
branch_labels = None
depends_on = None

COLUMNS = ("review_kind", "review_flagged_at", "review_event_id", "review_forum_title",
           "review_changes", "review_reason", "review_block_updated")


def upgrade():
    """Add the review columns (no campaign is flagged at first)."""
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("review_kind", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("review_flagged_at", shared.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column("review_event_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("review_forum_title", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("review_changes", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("review_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("review_block_updated", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    """Drop them."""
    with op.batch_alter_table("campaigns", schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
