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

revision = "3b7d9e2a5c41"
down_revision = "81e23904b63e"
branch_labels = None
depends_on = None


BUMP = "UPDATE topics SET comments_version = comments_version + 1 WHERE id = {row}.topic_id"
#: (trigger, event, the condition under which the public list may change, the row to bump)
TRIGGERS = (
    ("comments_version_on_insert", "INSERT", "NEW.status = 'approved'", "NEW"),
    ("comments_version_on_update", "UPDATE", "OLD.status = 'approved' OR NEW.status = 'approved'",
     "NEW"),
    ("comments_version_on_delete", "DELETE", "OLD.status = 'approved'", "OLD"),
)


def upgrade():
    """Add topics.comments_version and the triggers that keep it."""
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.add_column(sa.Column("comments_version", sa.Integer(), nullable=False,
                                      server_default="0"))
    if op.get_bind().dialect.name == "postgresql":
        op.execute("""
            CREATE FUNCTION comments_version_bump() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    UPDATE topics SET comments_version = comments_version + 1 WHERE id = OLD.topic_id;
                    RETURN OLD;
                END IF;
                UPDATE topics SET comments_version = comments_version + 1 WHERE id = NEW.topic_id;
                RETURN NEW;
            END $$""")
        for name, event, condition, _row in TRIGGERS:
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON comments FOR EACH ROW "
                       f"WHEN ({condition}) EXECUTE FUNCTION comments_version_bump()")
    else:
        for name, event, condition, row in TRIGGERS:
            op.execute(f"CREATE TRIGGER {name} AFTER {event} ON comments WHEN {condition} "
                       f"BEGIN {BUMP.format(row=row)}; END")


def downgrade():
    """Drop the triggers and the column."""
    postgresql = op.get_bind().dialect.name == "postgresql"
    for name, _event, _condition, _row in TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}" + (" ON comments" if postgresql else ""))
    if postgresql:
        op.execute("DROP FUNCTION IF EXISTS comments_version_bump()")
    with op.batch_alter_table("topics", schema=None) as batch_op:
        batch_op.drop_column("comments_version")
