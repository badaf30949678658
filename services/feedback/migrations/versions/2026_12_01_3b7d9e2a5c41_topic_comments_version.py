"""topic comments_version: the public comment list's cache key, kept by triggers

Every insert, update or delete that touches an approved comment (or makes one approved) bumps
its topic's ``comments_version`` in the same transaction, whoever writes it: the ORM, a bulk
``UPDATE`` or psql. Changes among unpublished comments (a submission, a confirmation, an expiry)
leave it alone.

Revision ID: 3b7d9e2a5c41
Revises: 81e23904b63e
Create Date: 2026-12-01 10:05:00
"""

import sqlalchemy as sa
from alembic import op

from shared import version_triggers

revision = "3b7d9e2a5c41"
down_revision = "81e23904b63e"
branch_labels = None
depends_on = None

BUMP = "UPDATE topics SET comments_version = comments_version + 1 WHERE id = {row}.topic_id"
#: the changes that may change what the public sees
CONDITIONS = {
    "INSERT": "NEW.status = 'approved'",
    "UPDATE": "OLD.status = 'approved' OR NEW.status = 'approved'",
    "DELETE": "OLD.status = 'approved'",
}


def upgrade():
    """Add topics.comments_version and the triggers that keep it."""
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comments_version", sa.Integer(), nullable=False,
                                      server_default="0"))
    version_triggers.create("comments", BUMP, CONDITIONS)


def downgrade():
    """Drop the triggers and the column."""
    version_triggers.drop("comments")
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.drop_column("comments_version")
