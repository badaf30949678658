"""invitation locale: the language an invitee is emailed in

Revision ID: 9b4d2f6a1c57
Revises: 7c1e5b9d3a48
Create Date: 2026-12-08 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "9b4d2f6a1c57"
down_revision = "7c1e5b9d3a48"
branch_labels = None
depends_on = None


def upgrade():
    """Add invitations.locale (Finnish for the invitations sent before)."""
    op.add_column("invitations", sa.Column("locale", sa.String(length=2), nullable=False,
                                           server_default="fi"))


def downgrade():
    """Drop it."""
    with op.batch_alter_table("invitations") as batch_op:
        batch_op.drop_column("locale")
