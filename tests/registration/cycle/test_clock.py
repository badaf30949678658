"""The admins' annual clock: year plans with the policy's themes, the decision calendar, planned
slots, a draft forum from a slot, and a year's count against its series' range."""
# ruff: noqa: F811 - the clients are fixtures imported from clock_support


import datetime as dt

import pytest
import sqlalchemy as sa

from services.registration.cycle import clock, numbers
from services.registration.cycle.models import (
    DecisionMeeting,
    Milestone,
    MilestoneKey,
    PlannedSlot,
    PlanTheme,
    Series,
    YearPlan,
)
from services.registration.models import Event, EventKind, EventStatus, Theme, db
from shared.testing.fixtures import login_as
from tests.registration.builders import count, english, load
from tests.registration.cycle.clock_support import (  # noqa: F401 - fixtures
    YEAR,
    _fast,
    add_forum,
    add_plan,
    add_series,
    admin,
    fast_passwords,
    secretary,
)
from tests.registration.staff.support import text


def finnish_admin(app):
    """An administrator's client reading Finnish."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fi"
    login_as(app, client, "admin")
    return client


@pytest.mark.parametrize(("method", "url"), [
    ("get", "/staff/clock"), ("post", "/staff/clock/plans"), ("get", f"/staff/clock/1/{YEAR}"),
    ("post", "/staff/clock/plans/1/slots"), ("post", "/staff/clock/slots/1/forum"),
])
def test_only_admins_plan_the_year(app, secretary, method, url):
    assert getattr(secretary, method)(url).status_code == 403
    anonymous = getattr(english(app), method)(url)
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.headers["Location"]


def test_a_new_plan_has_the_policys_themes(app, admin):
    series_id = add_series(app)
    response = admin.post("/staff/clock/plans", data={"series_id": series_id, "year": YEAR})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/staff/clock/{series_id}/{YEAR}")
    with app.app_context():
        plan = db.session.scalar(sa.select(YearPlan))
        themes = {t.theme: t.months for t in plan.themes}
    assert set(themes) == {Theme.BUDGET, Theme.STRATEGY, Theme.WELLBEING}
    assert themes[Theme.STRATEGY][0] == 1 and 11 in themes[Theme.BUDGET]
    page = text(admin.get(f"/staff/clock/{series_id}/{YEAR}"))
    assert "Budget, procurement plan and service-voucher rules" in page
    assert "Strategy and futures work" in page and "Wellbeing report and plan" in page


def test_a_second_plan_of_the_same_year_is_refused(app):
    series_id = add_series(app)
    add_plan(app, series_id)
    response = finnish_admin(app).post("/staff/clock/plans",
                                       data={"series_id": series_id, "year": YEAR})
    assert response.status_code == 422
    assert f"Sarjalla on jo vuoden {YEAR} suunnitelma." in text(response)
    assert count(app, YearPlan) == 1


@pytest.mark.parametrize(("data", "field"), [
    ({"series_id": "999999", "year": YEAR}, "series_id"),
    ({"series_id": "abc", "year": YEAR}, "series_id"),
    ({"year": YEAR}, "series_id"),
    ({"series_id": "SERIES", "year": "1999"}, "year"),
    ({"series_id": "SERIES", "year": "next"}, "year"),
])
def test_a_bad_new_plan_is_refused(app, admin, data, field):
    series_id = add_series(app)
    data = {k: str(series_id) if v == "SERIES" else v for k, v in data.items()}
    response = admin.post("/staff/clock/plans", data=data)
    assert response.status_code == 422 and f'id="{field}-error"' in text(response)
    assert count(app, YearPlan) == 0


def test_themes_meetings_and_slots_are_added_and_removed(app, admin):
    series_id = add_series(app)
    plan_id = add_plan(app, series_id)
    assert admin.post(f"/staff/clock/plans/{plan_id}/themes", data={
        "theme_theme": "other", "theme_months": ["9", "3"],
        "theme_description": "Palvelusetelit"}).status_code == 302
    assert admin.post(f"/staff/clock/plans/{plan_id}/meetings", data={
        "meeting_body": "council", "meeting_title": "Talousarvio 2032",
        "meeting_meets_on": f"{YEAR}-12-08", "meeting_theme": "budget"}).status_code == 302
    assert admin.post(f"/staff/clock/plans/{plan_id}/slots", data={
        "slot_planned_on": f"{YEAR}-09-15", "slot_theme": "budget", "slot_title": "",
        "slot_extra": "y"}).status_code == 302
    with app.app_context():
        theme = db.session.scalar(sa.select(PlanTheme))
        meeting = db.session.scalar(sa.select(DecisionMeeting))
        slot = db.session.scalar(sa.select(PlannedSlot))
        assert theme.months == [3, 9] and theme.description == "Palvelusetelit"
        assert meeting.meets_on == dt.date(YEAR, 12, 8) and meeting.theme == Theme.BUDGET
        assert slot.extra and slot.theme == Theme.BUDGET
        ids = theme.id, meeting.id, slot.id
    page = text(admin.get(f"/staff/clock/{series_id}/{YEAR}"))
    assert "Talousarvio 2032" in page and "Extra, when needed" in page and "September" in page
    for kind, row_id in zip(("themes", "meetings", "slots"), ids, strict=True):
        assert admin.post(f"/staff/clock/{kind}/{row_id}/delete").status_code == 302
    assert (count(app, PlanTheme), count(app, DecisionMeeting), count(app, PlannedSlot)) == (0, 0, 0)


@pytest.mark.parametrize(("url", "data", "field", "message"), [
    ("themes", {"theme_theme": "budget", "theme_months": ["13"]}, "theme_months",
     "Valitse kuukaudet tammikuusta joulukuuhun."),
    ("themes", {"theme_theme": "budget"}, "theme_months", "Tämä kenttä on pakollinen."),
    ("themes", {"theme_theme": "weather", "theme_months": ["1"]}, "theme_theme",
     "Valitse yksi vaihtoehdoista."),
    ("meetings", {"meeting_body": "council", "meeting_title": "Talousarvio",
                  "meeting_meets_on": "2020-12-08", "meeting_theme": "budget"},
     "meeting_meets_on", f"Valitse päivä vuodelta {YEAR}."),
    ("meetings", {"meeting_body": "parliament", "meeting_title": "X",
                  "meeting_meets_on": f"{YEAR}-12-08", "meeting_theme": "budget"},
     "meeting_body", "Valitse yksi vaihtoehdoista."),
    ("meetings", {"meeting_body": "board", "meeting_title": "",
                  "meeting_meets_on": f"{YEAR}-12-08", "meeting_theme": "budget"},
     "meeting_title", "Tämä kenttä on pakollinen."),
    ("slots", {"slot_planned_on": "not a day", "slot_theme": "budget"}, "slot_planned_on",
     "Anna päivämäärä oikeassa muodossa."),
    ("slots", {"slot_planned_on": f"{YEAR + 1}-01-10", "slot_theme": "budget"},
     "slot_planned_on", f"Valitse päivä vuodelta {YEAR}."),
])
def test_bad_plan_input_is_answered_in_finnish_and_saves_nothing(app, url, data, field, message):
    series_id = add_series(app)
    plan_id = add_plan(app, series_id)
    response = finnish_admin(app).post(f"/staff/clock/plans/{plan_id}/{url}", data=data)
    assert response.status_code == 422
    page = text(response)
    assert f'id="{field}-error"' in page and message in page
    assert (count(app, PlanTheme), count(app, DecisionMeeting), count(app, PlannedSlot)) == (0, 0, 0)


def test_a_plan_has_each_theme_once(app, admin):
    series_id = add_series(app)
    plan_id = add_plan(app, series_id)
    data = {"theme_theme": "budget", "theme_months": ["4"]}
    assert admin.post(f"/staff/clock/plans/{plan_id}/themes", data=data).status_code == 302
    response = admin.post(f"/staff/clock/plans/{plan_id}/themes", data=data)
    assert response.status_code == 422 and "The plan already has this theme." in text(response)
    assert count(app, PlanTheme) == 1


@pytest.mark.parametrize(("method", "url"), [
    ("get", f"/staff/clock/999999/{YEAR}"), ("get", "/staff/clock/SERIES/2040"),
    ("post", "/staff/clock/plans/999999/themes"), ("post", "/staff/clock/themes/999999/delete"),
    ("post", "/staff/clock/meetings/999999/delete"), ("post", "/staff/clock/slots/999999/delete"),
    ("post", "/staff/clock/slots/999999/forum"),
])
def test_unknown_ids_are_not_found(app, admin, method, url):
    series_id = add_series(app)
    url = url.replace("SERIES", str(series_id))
    assert getattr(admin, method)(url).status_code == 404


def test_a_forum_from_a_slot_has_its_theme_times_and_milestones(app, admin):
    series_id = add_series(app, publish_lead_days=10)
    add_plan(app, series_id, slots=[{"planned_on": dt.date(YEAR, 6, 10),
                                     "theme": Theme.WELLBEING, "title": "Hyvinvointisuunnitelma"}])
    with app.app_context():
        slot_id = db.session.scalar(sa.select(PlannedSlot.id))
    response = admin.post(f"/staff/clock/slots/{slot_id}/forum")
    assert response.status_code == 302
    again = admin.post(f"/staff/clock/slots/{slot_id}/forum")  # a double submit
    assert again.headers["Location"] == response.headers["Location"]
    assert count(app, Event) == 1
    with app.app_context():
        event = db.session.scalar(sa.select(Event))
        assert event.kind == EventKind.FORUM and event.status == EventStatus.DRAFT
        assert event.series_id == series_id and event.theme == Theme.WELLBEING
        assert event.title == "Hyvinvointisuunnitelma"
        assert event.starts_at == dt.datetime(YEAR, 6, 10, 10, 0, tzinfo=dt.UTC)  # 13:00 EEST
        assert event.ends_at == dt.datetime(YEAR, 6, 10, 12, 0, tzinfo=dt.UTC)
        assert db.session.get(PlannedSlot, slot_id).event_id == event.id
        agenda = db.session.scalar(sa.select(Milestone).where(
            Milestone.event_id == event.id, Milestone.key == MilestoneKey.AGENDA))
        assert agenda.due_at == event.starts_at - dt.timedelta(days=10)
        assert agenda.done_at is None
    page = text(admin.get(f"/staff/clock/{series_id}/{YEAR}"))
    assert "Hyvinvointisuunnitelma" in page and "Create the forum" not in page


def test_a_slot_with_a_forum_stays_on_the_plan(app, admin):
    series_id = add_series(app)
    add_plan(app, series_id, slots=[{"planned_on": dt.date(YEAR, 3, 3)}])
    with app.app_context():
        slot_id = db.session.scalar(sa.select(PlannedSlot.id))
    admin.post(f"/staff/clock/slots/{slot_id}/forum")
    response = admin.post(f"/staff/clock/slots/{slot_id}/delete")
    assert response.status_code == 409 and 'id="slots-error"' in text(response)
    assert count(app, PlannedSlot) == 1


def test_a_year_counts_its_forums_against_the_series_range(app):
    series_id = add_series(app, forums_per_year_min=2, forums_per_year_max=3)
    add_forum(app, series_id, dt.datetime(YEAR, 2, 1, 11, tzinfo=dt.UTC))
    add_forum(app, series_id, dt.datetime(YEAR, 3, 1, 11, tzinfo=dt.UTC),
              status=EventStatus.CANCELLED)
    add_forum(app, series_id, dt.datetime(YEAR, 4, 1, 11, tzinfo=dt.UTC), kind=EventKind.TARGETED)
    add_plan(app, series_id, slots=[{"planned_on": dt.date(YEAR, 9, 1)},
                                    {"planned_on": dt.date(YEAR, 10, 1), "extra": True},
                                    {"planned_on": dt.date(YEAR, 11, 1), "extra": True}])
    with app.app_context():
        series = db.session.get(Series, series_id)
        assert clock.plan_count(series, YEAR) == (1, 3, "above")
        assert clock.plan_count(series, YEAR + 1) == (0, 0, "below")
        assert len(clock.extra_slots(clock.plan_of(series, YEAR))) == 2
        assert clock.verdict(2, numbers.of_series(series)) == "within"


def test_the_dashboard_counts_each_series_against_its_own_numbers(app, secretary):
    small = add_series(app, slug="small", name="Small series", forums_per_year_min=1,
                       forums_per_year_max=1)
    big = add_series(app, slug="big", name="Big series")
    add_forum(app, small, dt.datetime(YEAR, 2, 1, 11, tzinfo=dt.UTC))
    add_forum(app, big, dt.datetime(YEAR, 2, 1, 11, tzinfo=dt.UTC))
    page = text(secretary.get("/staff/events"))
    big_part = page[page.index(">Big series<"):page.index(">Small series<")]  # by name
    small_part = page[page.index(">Small series<"):]
    assert "The policy is to hold 1–1 forums a year." in small_part
    assert f'<th scope="row">{YEAR}</th>\n      <td>1</td>' in small_part
    assert "within the policy" in small_part
    assert "The policy is to hold 3–6 forums a year." in big_part
    assert "below the policy" in big_part


def test_a_new_event_defaults_to_the_first_active_series(app, secretary):
    add_series(app, slug="old", name="Retired series", active=False)
    first = add_series(app, slug="first", name="First series")
    add_series(app, slug="second", name="Second series")
    page = text(secretary.get("/staff/events/new"))
    assert f'<option value="{first}" selected>First series</option>' in page
    assert "Retired series" not in page


def test_the_event_form_takes_a_series_and_refuses_an_unknown_one(app, secretary):
    from tests.registration.staff.support import event_form

    series_id = add_series(app, slug="second", name="Second")
    response = secretary.post("/staff/events/new", data=event_form(series_id=str(series_id)))
    assert response.status_code == 302
    event_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert load(app, Event, event_id).series_id == series_id
    response = secretary.post("/staff/events/new", data=event_form(series_id="999999"))
    assert response.status_code == 422 and 'id="series_id-error"' in text(response)
    assert count(app, Event) == 1
