"""event changes: the .ics sequence of an event and the record of its changes

``events.sequence`` is the iCalendar SEQUENCE of the event's .ics; ``event_changes`` records each
change told to the registrants (rescheduled, moved, cancelled) and each late-agenda override,
with the reason and who gave it.

Revision ID: c81f4e2a9d36
Revises: a3f61c0d8e27
Create Date: 2026-12-03 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "c81f4e2a9d36"
down_revision = "a3f61c0d8e27"
branch_labels = None
depends_on = None


def upgrade():
    """Add events.sequence and the event_changes table."""
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), server_default="0",
                                      nullable=False))
    op.create_table(
        "event_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.Enum("changed", "cancelled", "late_agenda", name="changeaction",
                                    native_enum=False, length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("changed_by", sa.String(length=254), nullable=False),
        sa.Column("changed_at", shared.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("sequence", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_event_changes_event_id_events"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event_changes")),
    )
    with op.batch_alter_table("event_changes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_event_changes_event_id"), ["event_id"], unique=False)


def downgrade():
    """Drop them."""
    with op.batch_alter_table("event_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_event_changes_event_id"))
    op.drop_table("event_changes")
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_column("sequence")
