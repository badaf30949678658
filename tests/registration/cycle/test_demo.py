"""The cycle's demo data: two series with their year plans, and forums in every phase."""

import pytest
import sqlalchemy as sa

from services.registration import demo
from services.registration.cycle import demo as cycle_demo
from services.registration.cycle.models import Milestone, MilestoneKey, Series, YearPlan
from services.registration.models import Event, EventStatus, db
from shared.db import utcnow
from shared.localtime import helsinki


@pytest.fixture
def seeded(make_app):
    """The registration app after the demo ran twice."""
    app = make_app("registration")
    with app.app_context():
        demo.seed()
        demo.seed()
    return app


def test_two_series_each_with_this_years_plan(seeded):
    with seeded.app_context():
        year = utcnow().astimezone(helsinki()).year
        series = {s.slug: s for s in db.session.scalars(sa.select(Series))}
        assert set(series) == {cycle_demo.PROVIDERS, cycle_demo.ASSOCIATIONS}
        assert len(series[cycle_demo.PROVIDERS].partners) == 4
        assert series[cycle_demo.ASSOCIATIONS].forums_per_year_min == 2
        plans = db.session.scalars(sa.select(YearPlan).where(YearPlan.year == year)).all()
        assert {p.series.slug for p in plans} == set(series)
        assert all(len(p.themes) == 3 and p.meetings and p.slots for p in plans)


def test_forums_in_every_phase_all_in_a_series_with_milestones(seeded):
    with seeded.app_context():
        forums = db.session.scalars(sa.select(Event)).all()
        assert all(e.series_id is not None for e in forums)
        assert {e.status for e in forums} == set(EventStatus)
        held = db.session.scalar(sa.select(Event).where(Event.title == demo.HELD_FORUM))
        done = {m.key for m in held.milestones if m.done_at is not None}
        assert {MilestoneKey.AGENDA, MilestoneKey.RECORDING_PUBLISHED,
                MilestoneKey.RECORDING_CAPTIONED, MilestoneKey.EVENT} <= done
        # nothing of another service is pretended: those come from their messages
        assert MilestoneKey.MEMO_PUBLISHED not in done
        # made once however often the demo runs
        assert db.session.scalar(sa.select(sa.func.count(Milestone.id))) == 15 * len(
            [e for e in forums if e.kind == "forum"])
