"""The public annual clock: a year, one row per month, only public forums, the flags, the .ics."""

import datetime as dt

import pytest
from icalendar import Calendar

from services.registration.cycle.models import DecisionBody, DecisionMeeting
from services.registration.models import EventKind, EventStatus, Theme
from tests.registration.builders import english
from tests.registration.cycle.clock_support import YEAR, add_forum, add_plan, add_series
from tests.registration.staff.support import text


@pytest.fixture
def planned_year(app):
    """A series (2–3 forums a year) whose YEAR has forums of every status, slots and a meeting."""
    series_id = add_series(app, forums_per_year_min=2, forums_per_year_max=3)
    ids = {
        "published": add_forum(app, series_id, dt.datetime(YEAR, 2, 10, 11, tzinfo=dt.UTC),
                               title="Strategy forum", theme=Theme.STRATEGY),
        "held": add_forum(app, series_id, dt.datetime(YEAR, 1, 20, 11, tzinfo=dt.UTC),
                          title="January forum", status=EventStatus.HELD),
        "cancelled": add_forum(app, series_id, dt.datetime(YEAR, 4, 5, 10, tzinfo=dt.UTC),
                               title="Called off forum", status=EventStatus.CANCELLED),
        "draft": add_forum(app, series_id, dt.datetime(YEAR, 5, 5, 10, tzinfo=dt.UTC),
                           title="Secret draft", status=EventStatus.DRAFT),
        "targeted": add_forum(app, series_id, dt.datetime(YEAR, 6, 5, 10, tzinfo=dt.UTC),
                              title="Voucher session", kind=EventKind.TARGETED),
        "other_year": add_forum(app, series_id, dt.datetime(YEAR + 1, 2, 5, 10, tzinfo=dt.UTC),
                                title="Next year's forum"),
    }
    add_plan(app, series_id, slots=[
        {"planned_on": dt.date(YEAR, 9, 14), "theme": Theme.BUDGET, "title": "Budget hearing"},
        {"planned_on": dt.date(YEAR, 5, 5), "title": "Planned from draft", "event_id": ids["draft"]},
        {"planned_on": dt.date(YEAR, 2, 10), "extra": True, "event_id": ids["published"]},
    ], meetings=[DecisionMeeting(body=DecisionBody.COUNCIL, title="Budget 2032",
                                 meets_on=dt.date(YEAR, 12, 8), theme=Theme.BUDGET)])
    return ids


def month(page, name):
    """The section of one month."""
    start = page.index(f">{name}</h2>")
    end = page.find("</section>", start)
    return page[start:end]


def test_the_year_has_one_row_per_month_with_its_public_forums(app, planned_year):
    page = text(english(app).get(f"/clock/palveluntuottajafoorumi/{YEAR}"))
    assert page.count('<section class="card" aria-labelledby="month-') == 12
    assert "January forum" in month(page, "January") and "Held" in month(page, "January")
    february = month(page, "February")
    assert "Strategy forum" in february and "Extra, when needed" in february
    assert f'href="/events/{planned_year["published"]}"' in february
    april = month(page, "April")
    assert "Called off forum" in april and "Cancelled" in april
    may = month(page, "May")
    assert "Secret draft" not in page and "Planned from draft" in may and "Planned" in may
    assert "Voucher session" not in page and "Next year&#39;s forum" not in page
    assert "Budget hearing" in month(page, "September")
    december = month(page, "December")
    assert "Regional council: Budget 2032" in december
    assert "Nothing on the clock this month." in month(page, "March")


def test_a_year_outside_the_range_is_flagged(app, planned_year):
    page = text(english(app).get(f"/clock/palveluntuottajafoorumi/{YEAR}"))
    # held and published 2, still planned 2 (the September slot and the draft's): 4 > 3
    assert "More than the series' 2–3 forums a year." in page
    assert "1 of them is an extra forum, held when needed." in page
    page = text(english(app).get(f"/clock/palveluntuottajafoorumi/{YEAR + 2}"))
    assert "Fewer than the series' 2–3 forums a year." in page


def test_themes_show_in_their_months(app):
    from services.registration.cycle.models import PlanTheme, YearPlan
    from services.registration.models import db

    series_id = add_series(app)
    with app.app_context():
        db.session.add(YearPlan(series_id=series_id, year=YEAR, themes=[
            PlanTheme(theme=Theme.STRATEGY, months=[1, 2]),
            PlanTheme(theme=Theme.WELLBEING, months=[4], description="<b>report</b>")]))
        db.session.commit()
    page = text(english(app).get(f"/clock/palveluntuottajafoorumi/{YEAR}"))
    assert "Strategy and futures work" in month(page, "February")
    assert "Strategy and futures work" not in month(page, "March")
    assert "&lt;b&gt;report&lt;/b&gt;" in month(page, "April")


def test_the_current_clock_is_this_year_of_the_first_active_series(app, time_machine):
    time_machine.move_to(dt.datetime(YEAR, 3, 1, 12, tzinfo=dt.UTC))
    add_series(app, slug="retired", name="Retired", active=False)
    add_series(app)
    page = text(english(app).get("/clock"))
    assert f"Palveluntuottajafoorumi: annual clock {YEAR}" in page


def test_without_a_series_the_clock_says_so(app):
    response = english(app).get("/clock")
    assert response.status_code == 200
    assert "No annual clock has been published yet." in text(response)


@pytest.mark.parametrize("url", ["/clock/nobody/2031", "/clock/nobody/2031.ics",
                                 "/clock/palveluntuottajafoorumi/1999",
                                 "/clock/palveluntuottajafoorumi/99999.ics"])
def test_unknown_series_and_years_are_not_found(app, url):
    add_series(app)
    assert english(app).get(url).status_code == 404


def test_the_ical_feed_has_the_public_forums_and_the_meetings(app, planned_year):
    response = english(app).get(f"/clock/palveluntuottajafoorumi/{YEAR}.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    calendar = Calendar.from_ical(response.data)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {"January forum", "Strategy forum", "Called off forum",
                           "Regional council: Budget 2032"}
    assert str(events["Called off forum"]["status"]) == "CANCELLED"
    assert events["Strategy forum"].decoded("dtstart") == dt.datetime(YEAR, 2, 10, 11,
                                                                     tzinfo=dt.UTC)
    assert events["Regional council: Budget 2032"].decoded("dtstart") == dt.date(YEAR, 12, 8)


def test_the_forum_calendar_links_the_clock(app):
    assert 'href="/clock"' in text(english(app).get("/"))
