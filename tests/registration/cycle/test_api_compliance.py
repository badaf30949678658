"""The compliance dashboard in the staff JSON API: the same checks, who may ask, bad filters,
and its place in the OpenAPI document."""

import datetime as dt

import pytest
import time_machine

from services.registration.models import db
from shared.testing.fixtures import create_staff, login_as
from tests.registration.builders import english, fast_passwords  # noqa: F401 - a fixture
from tests.registration.cycle.compliance_support import NOW, complete, forum

DAY = dt.timedelta(days=1)
URL = "/api/v1/staff/compliance"


@pytest.fixture(autouse=True)
def _frozen(fast_passwords):  # noqa: F811 - the fixture imported above
    """Cheap passwords, and the tests' frozen time."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def forums(app):
    """A complete held forum (2026) and an upcoming one missing its agenda (2027)."""
    with app.app_context():
        held = complete(forum(NOW - 80 * DAY, title="Budget <b>forum</b>"))
        late = forum(NOW + 5 * DAY, in_series="jarjestofoorumi")
        db.session.commit()
        return held.id, late.id


@pytest.fixture
def staff(app):
    """A moderator's client, in English."""
    client = english(app)
    login_as(app, client, "moderator")
    return client


def test_the_answer_has_each_forum_and_year_with_checks_and_evidence(staff, forums):
    held, late = forums
    response = staff.get(URL)
    assert response.status_code == 200
    answer = response.json
    assert [f["id"] for f in answer["forums"]] == [held, late]
    first = answer["forums"][0]
    assert first["title"] == "Budget <b>forum</b>" and first["series"] == "palveluntuottajafoorumi"
    assert [c["state"] for c in first["checks"]] == ["green"] * 6
    agenda = first["checks"][0]
    assert agenda["rule"] == "agenda" and agenda["text"] == "OK"
    assert agenda["evidence"][0]["who"] == "sihteeri@hyvinvointialue.example"
    assert agenda["evidence"][0]["when"].endswith("+00:00")
    assert answer["forums"][1]["checks"][0]["state"] == "red"
    assert answer["forums"][1]["checks"][0]["fix_url"].endswith(f"/events/{late}#agenda")
    assert [(y["series"], y["year"], y["count"]) for y in answer["years"]] == [
        ("palveluntuottajafoorumi", 2026, 1), ("jarjestofoorumi", 2027, 1)]


def test_the_filter_narrows(staff, forums):
    held, _late = forums
    answer = staff.get(f"{URL}?series=palveluntuottajafoorumi&year=2026").json
    assert [f["id"] for f in answer["forums"]] == [held]
    assert staff.get(f"{URL}?year=2025").json["forums"] == []


@pytest.mark.parametrize(("query", "field", "message"), [
    ("year=soon", "year", "Enter a whole number."),
    ("year=1999", "year", "Enter a year from 2000 to 2999."),
    ("series=nope", "series", "There is no such series."),
])
def test_a_bad_filter_is_422_with_the_field_error(staff, forums, query, field, message):
    response = staff.get(f"{URL}?{query}")
    assert response.status_code == 422
    assert response.json["errors"][field] == [message]


def test_field_errors_are_in_the_users_language(staff, forums):
    response = staff.get(f"{URL}?year=soon", headers={"Accept-Language": "fi"})
    assert response.status_code == 422 and response.json["errors"]["year"] == [
        "Anna kokonaisluku."]


def test_anonymous_is_401_and_a_staff_member_without_a_role_403(app):
    client = english(app)
    assert client.get(URL).status_code == 401
    email, password = create_staff(app)
    client.post("/staff/login", data={"email": email, "password": password})
    assert client.get(URL).status_code == 403


def test_the_openapi_document_describes_it(app):
    doc = app.test_client().get("/api/v1/openapi.json").json
    operation = doc["paths"]["/api/v1/staff/compliance"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"series", "year"}
    assert "DashboardSchema" in str(operation["responses"]["200"]) or "Dashboard" in str(doc)
