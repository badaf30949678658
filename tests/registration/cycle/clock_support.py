"""Series, year plans and clients for the series and annual clock tests."""

import datetime as dt

import pytest

from services.registration.cycle.models import PlannedSlot, Series, YearPlan
from services.registration.models import Event, EventKind, EventStatus, Theme, db
from shared.testing.fixtures import login_as
from tests.registration.builders import english, fast_passwords  # noqa: F401 - a fixture

#: a year the tests plan (in the future, so nothing is late)
YEAR = 2031


@pytest.fixture(autouse=True)
def _fast(fast_passwords):  # noqa: F811 - the fixture imported above
    """Staff logins hash passwords cheaply in these tests."""


@pytest.fixture
def admin(app):
    """An administrator's client, reading English."""
    client = english(app)
    login_as(app, client, "admin")
    return client


@pytest.fixture
def secretary(app):
    """A secretary's client, reading English."""
    client = english(app)
    login_as(app, client, "secretary")
    return client


def add_series(app, slug="palveluntuottajafoorumi", name="Palveluntuottajafoorumi", **values):
    """A series (the default numbers unless told); returns its id."""
    with app.app_context():
        series = Series(slug=slug, name=name, **values)
        db.session.add(series)
        db.session.commit()
        return series.id


def add_plan(app, series_id, year=YEAR, slots=(), meetings=()):
    """A year plan with ``slots`` (PlannedSlot kwargs) and ``meetings``; returns its id."""
    with app.app_context():
        plan = YearPlan(series_id=series_id, year=year)
        plan.slots = [PlannedSlot(**values) for values in slots]
        plan.meetings = list(meetings)
        db.session.add(plan)
        db.session.commit()
        return plan.id


def add_forum(app, series_id, starts_at, **values):
    """A forum of the series (published unless told), two hours long; returns its id."""
    fields = {"kind": EventKind.FORUM, "title": "Budget forum", "theme": Theme.BUDGET,
              "starts_at": starts_at, "ends_at": starts_at + dt.timedelta(hours=2),
              "status": EventStatus.PUBLISHED, "onsite_capacity": 10, "series_id": series_id}
    fields.update(values)
    with app.app_context():
        event = Event(**fields)
        db.session.add(event)
        db.session.commit()
        return event.id
