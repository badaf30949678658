"""Participation statistics: the figures from registrations, and SVG charts that parse as XML
and carry the same figures as the table beside them."""

import datetime as dt
import re
import xml.etree.ElementTree as ET

import pytest
import sqlalchemy as sa

from services.registration.models import AttendanceMode, Registration, RegistrationStatus, db
from shared.db import utcnow
from shared.testing.fixtures import create_staff, login_as
from tests.registration.builders import english, fast_passwords  # noqa: F401 - a fixture
from tests.registration.cycle.compliance_support import forum

SVG = "{http://www.w3.org/2000/svg}"
M, S = AttendanceMode, RegistrationStatus


@pytest.fixture(autouse=True)
def _fast(fast_passwords):  # noqa: F811 - the fixture imported above
    """Staff logins hash passwords cheaply in these tests."""


def _registration(n, mode, status, organisation, municipality, checked_in=False):
    """A registration's row (added to the session)."""
    registration = Registration(
        name=f"Person {n}", email=f"p{n}@example.fi", organisation=organisation,
        municipality=municipality, attendance_mode=mode, status=status,
        privacy_consent_at=utcnow(), manage_token=f"token-{n}",
        checked_in_at=utcnow() if checked_in else None)
    db.session.add(registration)
    return registration


@pytest.fixture
def forums(app):
    """Two forums of 2026: the first with 5 registrations, the second with 1."""
    rows = [(M.ONSITE, S.CONFIRMED, "Hoiva Oy", "Kuopio", True),
            (M.ONSITE, S.CONFIRMED, "hoiva oy ", "Kuopio", False),
            (M.ONSITE, S.WAITLISTED, "Apu & <Tuki> ry", "Siilinjärvi", False),
            (M.REMOTE, S.CONFIRMED, "Etä Oy", "Kuopio", False),
            (M.REMOTE, S.CANCELLED, "Peruttu Oy", "Varkaus", False)]
    with app.app_context():
        first = forum(dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC), title="Budget <forum>")
        second = forum(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), title="Strategy forum")
        for n, row in enumerate(rows):
            _registration(n, *row).event = first
        _registration(9, M.REMOTE, S.CONFIRMED, "Etä Oy", "Kuopio").event = second
        db.session.commit()
        return first.id, second.id


@pytest.fixture
def staff(app):
    """A working-group member's client, in English."""
    client = english(app)
    login_as(app, client, "working_group")
    return client


def charts(html):
    """{chart id: ({svg label: value}, {table label: value})} of a page."""
    found = {}
    for figure in re.findall(r"<figure.*?</figure>", html, re.S):
        svg = ET.fromstring(re.search(r"<svg.*?</svg>", figure, re.S).group(0))
        assert svg.get("role") == "img"
        title = svg.find(f"{SVG}title")
        assert svg.get("aria-labelledby") == title.get("id")
        texts = [t.text for t in svg.iter(f"{SVG}text")]
        drawn = dict(zip(texts[0::2], map(int, texts[1::2]), strict=True))
        table = ET.fromstring(re.search(r"<table.*?</table>", figure, re.S).group(0))
        shown = {row.find("th").text: int(row.find("td").text)
                 for row in table.find("tbody").iter("tr")}
        found[title.get("id").removesuffix("-title")] = (drawn, shown)
    return found


def test_the_years_charts_have_the_same_figures_in_svg_and_table(staff, forums):
    response = staff.get("/staff/statistics?year=2026")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "style=" not in html.split("<main", 1)[1] and "<script" not in html.split("<main", 1)[1]
    found = charts(html)
    assert set(found) == {"chart-registrations", "chart-attendance", "chart-municipalities",
                          "chart-forums"}
    for drawn, shown in found.values():
        assert drawn == shown
    registrations = found["chart-registrations"][1]
    assert registrations["On-site, confirmed"] == 2 and registrations["Remote, confirmed"] == 2
    assert registrations["On-site, on the waiting list"] == 1
    assert registrations["Remote, cancelled"] == 1
    attendance = found["chart-attendance"][1]
    assert attendance["On-site, checked in"] == 1 and attendance["Remote, confirmed"] == 2
    assert found["chart-municipalities"][1] == {"Kuopio": 2, "Siilinjärvi": 1}
    assert found["chart-forums"][1] == {"Budget <forum>": 4, "Strategy forum": 1}


def test_one_forums_page_and_html_in_titles_escaped(staff, forums):
    first, _second = forums
    html = staff.get(f"/staff/events/{first}/statistics").get_data(as_text=True)
    assert "Budget &lt;forum&gt;" in html and "<forum>" not in html
    assert "Apu" not in html  # organisations are counted, not listed
    found = charts(html)
    assert "chart-forums" not in found
    assert found["chart-registrations"][1]["Remote, confirmed"] == 1


def test_a_long_label_is_shortened_in_the_svg_only(staff, app, forums):
    with app.app_context():
        registration = db.session.scalar(sa.select(Registration).filter_by(email="p0@example.fi"))
        registration.municipality = "A" * 60
        db.session.commit()
    html = staff.get("/staff/statistics").get_data(as_text=True)
    assert "A" * 31 + "…" in html and "A" * 60 in html


def test_a_bad_filter_is_422_and_an_unknown_event_404(staff, forums):
    assert staff.get("/staff/statistics?year=x").status_code == 422
    assert staff.get("/staff/events/999/statistics").status_code == 404


def test_staff_only(app):
    client = english(app)
    assert client.get("/staff/statistics").status_code == 302
    email, password = create_staff(app)
    client.post("/staff/login", data={"email": email, "password": password})
    assert client.get("/staff/statistics").status_code == 403
