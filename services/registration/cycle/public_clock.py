"""The public annual clock: a series' year, one row per month (its themes, decision meetings and
forums), and the same year as an iCalendar feed.

Only published and held open forums show, and cancelled ones marked cancelled; drafts and
targeted sessions never do. A planned slot without a public forum shows as planned. A year whose
forums (held and planned) fall outside the series' range is flagged; extra forums are marked.
"""

import dataclasses
import datetime as dt

from flask import Response, abort
from flask_babel import format_date
from flask_babel import gettext as _
from icalendar import Calendar
from icalendar import Event as VEvent

from services.registration import ics
from services.registration.cycle import clock, forms, numbers, series
from services.registration.models import EventStatus
from services.registration.public import page
from shared.db import utcnow
from shared.localtime import YEARS, helsinki

#: the forums the public clock shows
PUBLIC = (EventStatus.PUBLISHED, EventStatus.HELD, EventStatus.CANCELLED)


@dataclasses.dataclass
class Month:
    """One row of the year view."""

    number: int
    name: str
    themes: list
    meetings: list
    #: (event, whether it is an extra forum "when needed")
    forums: list
    planned: list


def year_view(item, year):
    """The twelve months of ``item``'s ``year``, and its plan (or None)."""
    plan = clock.plan_of(item, year)
    extra = {s.event_id for s in plan.slots if s.extra and s.event_id} if plan else set()
    forums = clock.year_forums(item, year, PUBLIC)
    planned = clock.still_planned(plan)
    names = forms.month_names()
    local = helsinki()
    return [Month(
        number=n, name=names[n],
        themes=[t for t in (plan.themes if plan else []) if n in (t.months or [])],
        meetings=[m for m in (plan.meetings if plan else []) if m.meets_on.month == n],
        forums=[(e, e.id in extra) for e in forums if e.starts_at.astimezone(local).month == n],
        planned=[s for s in planned if s.planned_on.month == n],
    ) for n in range(1, 13)], plan


def _series_year(slug, year):
    """The series of ``slug`` and a year the clock can show, or 404."""
    item = series.by_slug(slug)
    if item is None or year not in YEARS:
        abort(404)
    return item


def _page(item, year):
    """The year view page of a series."""
    months, plan = year_view(item, year)
    counted, planned, verdict = clock.plan_count(item, year, plan)
    return page("registration/cycle/public_clock.html", series=item, year=year, months=months,
                counted=counted, planned=planned, verdict=verdict, numbers=numbers.of_series(item),
                body_labels=forms.BODY_LABELS, day=format_date,
                extra=clock.extra_slots(plan) if plan else [],
                years=[y for y in (year - 1, year + 1) if y in YEARS])


def current_clock():
    """The clock of this year, of the first active series."""
    item = series.first_active()
    if item is None:
        return page("registration/cycle/public_clock_empty.html")
    return _page(item, clock.local_year(utcnow()))


def show_clock(slug, year):
    """A series' year on the clock."""
    return _page(_series_year(slug, year), year)


def _meeting_vevent(meeting):
    """A decision meeting as an all-day VEVENT."""
    vevent = VEvent()
    vevent.add("uid", f"decision-meeting-{meeting.id}@foorumi")
    vevent.add("dtstamp", utcnow())
    vevent.add("dtstart", meeting.meets_on)
    vevent.add("dtend", meeting.meets_on + dt.timedelta(days=1))
    vevent.add("summary", f"{forms.BODY_LABELS[meeting.body]}: {meeting.title}")
    vevent.add("transp", "TRANSPARENT")
    return vevent


def clock_ics(slug, year):
    """The year's public forums (cancelled ones as cancelled) and decision meetings as .ics."""
    item = _series_year(slug, year)
    cal = Calendar()
    cal.add("prodid", ics.PRODID)
    cal.add("version", "2.0")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", _("%(series)s: annual clock %(year)s", series=item.name, year=year))
    for event in clock.year_forums(item, year, PUBLIC):
        cal.add_component(ics.vevent(event))
    plan = clock.plan_of(item, year)
    for meeting in plan.meetings if plan else []:
        cal.add_component(_meeting_vevent(meeting))
    return Response(cal.to_ical(), mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="{item.slug}-{year}.ics"'})
