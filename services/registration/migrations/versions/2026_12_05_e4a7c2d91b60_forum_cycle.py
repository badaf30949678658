"""forum cycle: series, year plans (themes, decision meetings, planned slots), milestones

Every existing event joins the providers' forum, the series made here with the policy's numbers.

Revision ID: e4a7c2d91b60
Revises: 5b8d2e7f4c19
Create Date: 2026-12-05 09:00:00
"""

import sqlalchemy as sa
from alembic import op

import shared.db

revision = "e4a7c2d91b60"
down_revision = "5b8d2e7f4c19"
branch_labels = None
depends_on = None

THEMES = ("budget", "strategy", "wellbeing", "other")
DATETIME = shared.db.UTCDateTime(timezone=True)


def _enum(*values):
    """A portable string enum column type."""
    return sa.Enum(*values, native_enum=False, length=20)


def _id():
    return sa.Column("id", sa.Integer(), nullable=False)


def upgrade():
    """Add the cycle's tables and events.series_id; the providers' forum takes every event."""
    series = op.create_table(
        "series",
        _id(),
        sa.Column("slug", sa.String(length=60), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("forums_per_year_min", sa.Integer(), nullable=False),
        sa.Column("forums_per_year_max", sa.Integer(), nullable=False),
        sa.Column("publish_lead_days", sa.Integer(), nullable=False),
        sa.Column("comment_window_days", sa.Integer(), nullable=False),
        sa.Column("recording_visible_days", sa.Integer(), nullable=False),
        sa.Column("caption_deadline_days", sa.Integer(), nullable=False),
        sa.Column("working_body", sa.String(length=200), nullable=False),
        sa.Column("newsletter_segment", sa.String(length=60), nullable=False),
        sa.Column("memo_recipients", sa.JSON(), nullable=False),
        sa.Column("partners", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", DATETIME, nullable=False),
        sa.Column("updated_at", DATETIME, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_series")),
        sa.UniqueConstraint("slug", name=op.f("uq_series_slug")),
    )
    op.create_table(
        "year_plans",
        _id(),
        sa.Column("series_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("created_at", DATETIME, nullable=False),
        sa.ForeignKeyConstraint(["series_id"], ["series.id"],
                                name=op.f("fk_year_plans_series_id_series"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_year_plans")),
        sa.UniqueConstraint("series_id", "year", name=op.f("uq_year_plans_series_id")),
    )
    op.create_table(
        "plan_themes",
        _id(),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("theme", _enum(*THEMES), nullable=False),
        sa.Column("months", sa.JSON(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["year_plans.id"],
                                name=op.f("fk_plan_themes_plan_id_year_plans"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_themes")),
        sa.UniqueConstraint("plan_id", "theme", name=op.f("uq_plan_themes_plan_id")),
    )
    op.create_index(op.f("ix_plan_themes_plan_id"), "plan_themes", ["plan_id"])
    op.create_table(
        "decision_meetings",
        _id(),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("body", _enum("council", "regional_government", "board"), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("meets_on", sa.Date(), nullable=False),
        sa.Column("theme", _enum(*THEMES), nullable=False),
        sa.ForeignKeyConstraint(["plan_id"], ["year_plans.id"],
                                name=op.f("fk_decision_meetings_plan_id_year_plans"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decision_meetings")),
    )
    op.create_index(op.f("ix_decision_meetings_plan_id"), "decision_meetings", ["plan_id"])
    op.create_table(
        "planned_slots",
        _id(),
        sa.Column("plan_id", sa.Integer(), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("theme", _enum(*THEMES), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("extra", sa.Boolean(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["plan_id"], ["year_plans.id"],
                                name=op.f("fk_planned_slots_plan_id_year_plans"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_planned_slots_event_id_events"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_slots")),
        sa.UniqueConstraint("event_id", name=op.f("uq_planned_slots_event_id")),
    )
    op.create_index(op.f("ix_planned_slots_plan_id"), "planned_slots", ["plan_id"])
    op.create_table(
        "milestones",
        _id(),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=20), nullable=False),
        sa.Column("due_at", DATETIME, nullable=True),
        sa.Column("done_at", DATETIME, nullable=True),
        sa.Column("done_by", sa.String(length=254), nullable=False),
        sa.Column("source", sa.String(length=60), nullable=False),
        sa.Column("evidence", sa.JSON(), nullable=False),
        sa.Column("due_notified_at", DATETIME, nullable=True),
        sa.Column("late_notified_at", DATETIME, nullable=True),
        sa.ForeignKeyConstraint(["event_id"], ["events.id"],
                                name=op.f("fk_milestones_event_id_events"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_milestones")),
        sa.UniqueConstraint("event_id", "key", name=op.f("uq_milestones_event_id")),
    )
    op.create_index("ix_milestones_due", "milestones", ["done_at", "due_at"])
    if op.get_bind().dialect.name == "sqlite":
        # SQLite adds a column with its reference in place; a batch copy of ``events`` would
        # break the agenda triggers that name it
        op.execute("ALTER TABLE events ADD COLUMN series_id INTEGER "
                   "CONSTRAINT fk_events_series_id_series REFERENCES series (id) ON DELETE RESTRICT")
    else:
        op.add_column("events", sa.Column("series_id", sa.Integer(), nullable=True))
        op.create_foreign_key(op.f("fk_events_series_id_series"), "events", "series",
                              ["series_id"], ["id"], ondelete="RESTRICT")
    op.create_index(op.f("ix_events_series_id"), "events", ["series_id"])
    now = shared.db.utcnow()
    op.bulk_insert(series, [{
        "slug": "palveluntuottajafoorumi", "name": "Palveluntuottajafoorumi",
        "description": "", "forums_per_year_min": 3, "forums_per_year_max": 6,
        "publish_lead_days": 7, "comment_window_days": 7, "recording_visible_days": 14,
        "caption_deadline_days": 14, "working_body": "Valmisteleva työryhmä",
        "newsletter_segment": "", "memo_recipients": [], "partners": [], "active": True,
        "created_at": now, "updated_at": now,
    }])
    op.execute("UPDATE events SET series_id = "
               "(SELECT id FROM series WHERE slug = 'palveluntuottajafoorumi')")


def downgrade():
    """Drop them."""
    op.drop_index(op.f("ix_events_series_id"), table_name="events")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE events DROP COLUMN series_id")
    else:
        op.drop_constraint(op.f("fk_events_series_id_series"), "events", type_="foreignkey")
        op.drop_column("events", "series_id")
    for table in ("milestones", "planned_slots", "decision_meetings", "plan_themes",
                  "year_plans", "series"):
        op.drop_table(table)
