"""The annual clock's operations: a series' year plan with its themes, decision meetings and
planned forums, a forum created from a planned slot, and a year's count against the series' range.

Operations flush and never commit. A refused change raises :class:`PlanRefused` naming the input
its message belongs next to, and changes nothing. A year belongs to Helsinki time: a forum is in
the year (and month) of its local start.
"""

import datetime as dt

import sqlalchemy as sa
from flask_babel import gettext as _

from services.registration.cycle import milestones, numbers
from services.registration.cycle.models import (
    DecisionBody,
    DecisionMeeting,
    PlannedSlot,
    PlanTheme,
    YearPlan,
)
from services.registration.forms import LABELS
from services.registration.models import Event, EventKind, EventStatus, Theme, db
from shared.localtime import helsinki

#: the policy's recurring themes and the months they are on a new plan's clock: strategy and
#: futures work early in the year, the wellbeing report in spring, and the budget, procurement
#: plan and service-voucher rules from spring to autumn, before the council's budget meeting
DEFAULT_THEMES = {
    Theme.STRATEGY: [1, 2, 3],
    Theme.WELLBEING: [3, 4, 5],
    Theme.BUDGET: [4, 5, 6, 8, 9, 10, 11],
}
#: a forum created from a slot: its Helsinki start and end, and its on-site seats
FORUM_STARTS, FORUM_ENDS = dt.time(13, 0), dt.time(15, 0)
FORUM_SEATS = 50
#: the forums a year counts: public ones that happen (a cancelled one does not)
COUNTED = (EventStatus.PUBLISHED, EventStatus.HELD)


class PlanRefused(Exception):
    """A change of a year plan is refused; ``field`` is the input ``message`` belongs next to."""

    def __init__(self, field, message, status=422):
        super().__init__(field)
        self.field, self.message, self.status = field, message, status


def local_year(moment):
    """The Helsinki year of a UTC time."""
    return moment.astimezone(helsinki()).year


def year_bounds(year):
    """(start, end) of a Helsinki year, in UTC."""
    zone = helsinki()
    return tuple(dt.datetime(y, 1, 1, tzinfo=zone).astimezone(dt.UTC) for y in (year, year + 1))


def plan_of(series, year):
    """The series' plan of ``year``, or None."""
    return db.session.scalar(sa.select(YearPlan).where(YearPlan.series_id == series.id,
                                                       YearPlan.year == year))


def create_plan(series, year):
    """A year plan of ``series`` with the policy's default themes; refused if one exists."""
    if plan_of(series, year) is not None:
        raise PlanRefused("year", _("This series already has a plan for %(year)s.", year=year))
    plan = YearPlan(series=series, year=year, themes=[
        PlanTheme(theme=theme, months=list(months)) for theme, months in DEFAULT_THEMES.items()])
    db.session.add(plan)
    db.session.flush()
    return plan


def add_theme(plan, data):
    """A theme on the plan with its months; a plan has each theme once."""
    if any(t.theme == data["theme"] for t in plan.themes):
        raise PlanRefused("theme_theme", _("The plan already has this theme."))
    plan.themes.append(PlanTheme(theme=Theme(data["theme"]), months=data["months"],
                                 description=data["description"]))
    db.session.flush()


def _in_year(plan, day, field):
    """Refuse a date outside the plan's year."""
    if day.year != plan.year:
        raise PlanRefused(field, _("Choose a date in %(year)s.", year=plan.year))


def add_meeting(plan, data):
    """A meeting of the decision calendar, in the plan's year."""
    _in_year(plan, data["meets_on"], "meeting_meets_on")
    plan.meetings.append(DecisionMeeting(**{**data, "theme": Theme(data["theme"]),
                                            "body": DecisionBody(data["body"])}))
    db.session.flush()


def add_slot(plan, data):
    """A forum planned on a day of the plan's year (``extra``: one "when needed")."""
    _in_year(plan, data["planned_on"], "slot_planned_on")
    plan.slots.append(PlannedSlot(**{**data, "theme": Theme(data["theme"])}))
    db.session.flush()


def remove(row):
    """Take a theme, meeting or slot off its plan; a slot with a forum stays (the forum is real)."""
    if isinstance(row, PlannedSlot) and row.event_id is not None:
        raise PlanRefused("slots", _("A forum was created from this slot: cancel or edit the "
                                     "forum instead."), 409)
    db.session.delete(row)
    db.session.flush()


def _at(day, time):
    """A Helsinki day and time as UTC."""
    return dt.datetime.combine(day, time, tzinfo=helsinki()).astimezone(dt.UTC)


def create_forum(slot):
    """The draft forum of a planned slot, with its series, theme, title and times, and its
    milestones scheduled; a slot that has one already returns it (a double submit makes one)."""
    if slot.event is not None:
        return slot.event
    plan = slot.plan
    event = Event(kind=EventKind.FORUM, status=EventStatus.DRAFT, series_id=plan.series_id,
                  theme=slot.theme, title=slot.title or str(LABELS["theme"][slot.theme]),
                  starts_at=_at(slot.planned_on, FORUM_STARTS),
                  ends_at=_at(slot.planned_on, FORUM_ENDS), onsite_capacity=FORUM_SEATS)
    db.session.add(event)
    slot.event = event
    db.session.flush()
    milestones.schedule(event)
    return event


def verdict(count, n):
    """'below', 'within' or 'above' the range of ``n`` (a series' Numbers)."""
    if count < n.forums_per_year_min:
        return "below"
    return "above" if count > n.forums_per_year_max else "within"


def forums_per_year():
    """{(series id or None, Helsinki year): forums published or held} for the dashboard."""
    rows = db.session.execute(sa.select(Event.series_id, Event.starts_at).where(
        Event.kind == EventKind.FORUM, Event.status.in_(COUNTED)))
    counts = {}
    for series_id, starts_at in rows:
        key = (series_id, local_year(starts_at))
        counts[key] = counts.get(key, 0) + 1
    return counts


def year_forums(series, year, statuses=COUNTED):
    """The series' open forums starting in the Helsinki ``year`` with one of ``statuses``."""
    start, end = year_bounds(year)
    return db.session.scalars(sa.select(Event).where(
        Event.series_id == series.id, Event.kind == EventKind.FORUM, Event.status.in_(statuses),
        Event.starts_at >= start, Event.starts_at < end).order_by(Event.starts_at)).all()


def still_planned(plan):
    """The plan's slots no public forum has taken over: without a forum, or with a draft one."""
    if plan is None:
        return []
    return [s for s in plan.slots if s.event is None
            or (s.event.status == EventStatus.DRAFT and s.event.kind == EventKind.FORUM)]


def plan_count(series, year, plan=None):
    """(forums published or held, slots still planned, the verdict) of a year: the clock flags
    a year whose forums, held and planned, fall outside the series' range."""
    forums = year_forums(series, year)
    planned = still_planned(plan or plan_of(series, year))
    return len(forums), len(planned), verdict(len(forums) + len(planned),
                                              numbers.of_series(series))


def extra_slots(plan):
    """The plan's forums "when needed", beyond the plan."""
    return [slot for slot in plan.slots if slot.extra]
