"""Participation statistics: the figures from registrations (the organisations by municipality,
industry, size and area among them), and SVG charts that parse as XML and carry the same figures
as the table beside them. The comment figures, read from feedback over HTTP, are tested in
test_statistics_comments.py; here feedback does not answer (a closed port)."""

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


#: a port nothing listens on: feedback does not answer
CLOSED = "http://127.0.0.1:1/feedback/api/v1"


def _registration(n, mode, status, organisation, municipality, checked_in=False, profile=()):
    """A registration's row (added to the session); ``profile`` is (industry, size, region)."""
    industry, size, region = profile or (None, None, None)
    registration = Registration(
        name=f"Person {n}", email=f"p{n}@example.fi", organisation=organisation,
        municipality=municipality, attendance_mode=mode, status=status,
        privacy_consent_at=utcnow(), manage_token=f"token-{n}",
        checked_in_at=utcnow() if checked_in else None, industry=industry,
        organisation_size=size, region=region)
    db.session.add(registration)
    return registration


@pytest.fixture
def app(make_app):
    """The registration service, its feedback away."""
    return make_app("registration", FEEDBACK_API_URL=CLOSED)


@pytest.fixture
def forums(app):
    """Two forums of 2026: the first with 5 registrations, the second with 1."""
    rows = [(M.ONSITE, S.CONFIRMED, "Hoiva Oy", "Kuopio", True, ("elderly_care", "small", "north")),
            (M.ONSITE, S.CONFIRMED, "hoiva oy ", "Kuopio", False,
             ("elderly_care", "small", "north")),
            (M.ONSITE, S.WAITLISTED, "Apu & <Tuki> ry", "Siilinjärvi", False,
             ("disability", "micro", None)),
            (M.REMOTE, S.CONFIRMED, "Etä Oy", "Kuopio", False, (None, None, "south")),
            (M.REMOTE, S.CANCELLED, "Peruttu Oy", "Varkaus", False,
             ("home_care", "large", "east"))]
    with app.app_context():
        first = forum(dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC), title="Budget <forum>")
        second = forum(dt.datetime(2026, 5, 1, 12, tzinfo=dt.UTC), title="Strategy forum")
        for n, row in enumerate(rows):
            _registration(n, *row).event = first
        _registration(9, M.REMOTE, S.CONFIRMED, "Etä Oy", "Kuopio",
                      profile=(None, None, "south")).event = second
        db.session.commit()
        return first.id, second.id


@pytest.fixture
def staff(app):
    """A working-group member's client, in English."""
    client = english(app)
    login_as(app, client, "working_group")
    return client


def short(label):
    """A label as the SVG draws it (the table has it whole)."""
    return label if len(label) <= 32 else label[:31] + "…"


def charts(html):
    """{chart id: ({svg label: value}, {table label: value})} of a page."""
    found = {}
    for figure in re.findall(r"<figure.*?</figure>", html, re.S):
        svg = ET.fromstring(re.search(r"<svg.*?</svg>", figure, re.S).group(0))
        assert svg.get("role") == "img"
        title = svg.find(f"{SVG}title")
        assert svg.get("aria-labelledby") == title.get("id")
        texts = [t.text for t in svg.iter(f"{SVG}text")]
        empty = len(texts) == 1  # "Nothing to show yet."
        drawn = {} if empty else dict(zip(texts[0::2], map(int, texts[1::2]), strict=True))
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
                          "chart-industries", "chart-sizes", "chart-regions", "chart-forums"}
    for drawn, shown in found.values():
        assert drawn == {short(label): value for label, value in shown.items()}
    registrations = found["chart-registrations"][1]
    assert registrations["On-site, confirmed"] == 2 and registrations["Remote, confirmed"] == 2
    assert registrations["On-site, on the waiting list"] == 1
    assert registrations["Remote, cancelled"] == 1
    attendance = found["chart-attendance"][1]
    assert attendance["On-site, checked in"] == 1 and attendance["Remote, confirmed"] == 2
    assert found["chart-municipalities"][1] == {"Kuopio": 2, "Siilinjärvi": 1}
    assert found["chart-forums"][1] == {"Budget <forum>": 4, "Strategy forum": 1}
    industries = found["chart-industries"][1]
    assert industries["Elderly care and housing services"] == 1  # "Hoiva Oy" once
    assert industries["Disability services"] == 1 and industries["Home care and support services"] == 0
    assert industries["Not given"] == 1 and sum(industries.values()) == 3  # cancelled left out
    assert found["chart-sizes"][1] == {"Micro (fewer than 10 persons)": 1,
                                       "Small (10–49 persons)": 1,
                                       "Medium-sized (50–249 persons)": 0,
                                       "Large (250 persons or more)": 0, "Not given": 1}
    regions = found["chart-regions"][1]
    assert (regions["Northern area"], regions["Southern area"], regions["Not given"]) == (1, 1, 1)
    assert list(regions)[-1] == "Not given"


def test_the_comment_figures_are_said_unavailable_when_feedback_does_not_answer(staff, forums):
    response = staff.get("/staff/statistics?year=2026")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'data-comments="unavailable"' in html
    assert "The comment figures are unavailable" in html and "chart-comments" not in html
    first, _second = forums
    one = staff.get(f"/staff/events/{first}/statistics").get_data(as_text=True)
    assert 'data-comments="unavailable"' in one


def test_the_unavailable_notice_is_in_finnish(app, forums):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fi"
    login_as(app, client, "secretary")
    html = client.get("/staff/statistics").get_data(as_text=True)
    notice = html.split('data-comments="unavailable">', 1)[1].split("</div>", 1)[0]
    assert "The comment figures" not in notice and notice.strip()


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
