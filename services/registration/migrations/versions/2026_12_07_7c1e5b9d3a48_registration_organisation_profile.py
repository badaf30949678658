"""registration organisation profile: the registrant organisation's industry, size and region

Three optional codes (``shared.vocabulary``) the participation statistics count organisations
by. Plain ``ADD COLUMN`` on both databases: the table (and its triggers) is never recreated.

Revision ID: 7c1e5b9d3a48
Revises: e4a7c2d91b60
Create Date: 2026-12-07 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "7c1e5b9d3a48"
down_revision = "e4a7c2d91b60"
branch_labels = None
depends_on = None

COLUMNS = ("industry", "organisation_size", "region")


def upgrade():
    """Add registrations.industry, .organisation_size and .region (nullable)."""
    for name in COLUMNS:
        op.add_column("registrations", sa.Column(name, sa.String(length=20), nullable=True))


def downgrade():
    """Drop the three columns."""
    for name in reversed(COLUMNS):
        op.drop_column("registrations", name)
