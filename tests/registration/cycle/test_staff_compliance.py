"""The compliance dashboard's page and its CSV and XLSX: who may see them, what they show, the
filter's errors, and spreadsheets that never run a cell nor show HTML as markup."""

import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from services.registration.models import db
from shared.testing.fixtures import create_staff, login_as
from tests.registration.builders import english, fast_passwords  # noqa: F401 - a fixture
from tests.registration.cycle.compliance_support import NOW, complete, forum

DAY = dt.timedelta(days=1)
TITLE = "=HYPERLINK(\"http://evil.example\") <script>alert(1)</script>"


@pytest.fixture(autouse=True)
def _frozen(fast_passwords):  # noqa: F811 - the fixture imported above
    """Cheap passwords, and the tests' frozen time."""
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def forums(app):
    """A complete held forum with a hostile title, and an upcoming one missing its agenda."""
    with app.app_context():
        held = complete(forum(NOW - 80 * DAY, title=TITLE))
        late = forum(NOW + 5 * DAY, title="Wellbeing forum")
        db.session.commit()
        return held.id, late.id


@pytest.fixture
def staff(app):
    """A communications officer's client, in English."""
    client = english(app)
    login_as(app, client, "communications")
    return client


@pytest.mark.parametrize("role", ["secretary", "moderator", "working_group", "admin"])
def test_every_staff_role_sees_the_dashboard(app, forums, role):
    client = english(app)
    login_as(app, client, role)
    assert client.get("/staff/compliance").status_code == 200


@pytest.mark.parametrize("path", ["/staff/compliance", "/staff/compliance.csv",
                                  "/staff/compliance.xlsx"])
def test_visitors_log_in_and_staff_without_a_role_are_refused(app, path):
    client = english(app)
    response = client.get(path)
    assert response.status_code == 302 and "/staff/login" in response.headers["Location"]
    email, password = create_staff(app)
    client.post("/staff/login", data={"email": email, "password": password})
    assert client.get(path).status_code == 403


def test_the_page_shows_each_check_in_words_with_evidence_and_fix_links(staff, forums):
    held, late = forums
    html = staff.get("/staff/compliance").get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert(1)" not in html
    assert html.count('class="caption-check caption-green"') >= 6
    assert 'class="caption-check caption-red"' in html and "Missing" in html
    assert f'href="http://localhost/registration/staff/events/{late}#agenda"' in html
    assert "Agenda and material published: due" in html
    assert "sihteeri@hyvinvointialue.example" in html
    assert f'href="/staff/events/{held}"' in html
    assert "2 forums shown." in html


def test_the_filter_narrows_and_a_bad_one_answers_422_next_to_its_field(staff, forums):
    html = staff.get("/staff/compliance?year=2026").get_data(as_text=True)
    assert "1 forum shown." in html and "Wellbeing forum" not in html
    response = staff.get("/staff/compliance?year=1999")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="year-error"' in html and "Enter a year from 2000 to 2999." in html
    response = staff.get("/staff/compliance?series=nope")
    assert response.status_code == 422 and "There is no such series." in response.get_data(
        as_text=True)


def test_the_csv_has_a_row_per_forum_with_states_and_evidence(staff, forums):
    response = staff.get("/staff/compliance.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="compliance-all.csv"' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").split("\r\n")
    assert lines[0].startswith("Forum;Series;Starts;Status;Agenda public in time;")
    assert "Forums a year within the series' range: evidence" in lines[0]
    held = next(line for line in lines if "HYPERLINK" in line)
    assert held.startswith("\"'=HYPERLINK")  # a formula is never run
    assert "OK;Agenda and material published" in held
    assert "Missing" in next(line for line in lines if line.startswith("Wellbeing forum"))


def test_the_xlsx_has_the_same_rows_with_formulas_defused(staff, forums):
    response = staff.get("/staff/compliance.xlsx?year=2026")
    assert response.status_code == 200
    assert 'filename="compliance-2026.xlsx"' in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:5] == ("Forum", "Series", "Starts", "Status", "Agenda public in time")
    assert len(rows) == 2 and rows[1][0] == "'" + TITLE
    assert rows[1][4] == "OK"


def test_a_bad_filter_of_an_export_is_422_and_an_unknown_format_404(staff, forums):
    assert staff.get("/staff/compliance.csv?year=x").status_code == 422
    assert staff.get("/staff/compliance.pdf").status_code == 404
