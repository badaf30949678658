"""recording captions: the WebVTT caption file of an event's recording (law 306/2019)

``recording_captions`` holds one caption file per event, with when and by whom the recording was
first captioned (what counts for the 14-day deadline) and who uploaded the latest replacement.

Revision ID: 5b8d2e7f4c19
Revises: c81f4e2a9d36
Create Date: 2026-12-04 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "5b8d2e7f4c19"
down_revision = "c81f4e2a9d36"
branch_labels = None
depends_on = None


def upgrade():
    """Add the recording_captions table."""
    op.create_table(
        "recording_captions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("captioned_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("captioned_by", sa.String(length=254), nullable=False),
        sa.Column("uploaded_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("uploaded_by", sa.String(length=254), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_recording_captions_event_id_events"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recording_captions")),
        sa.UniqueConstraint("event_id", name=op.f("uq_recording_captions_event_id")),
    )


def downgrade():
    """Drop it."""
    op.drop_table("recording_captions")
