"""The admins' series pages: list, create (from the defaults) and edit, and their refusals."""
# ruff: noqa: F811 - the clients are fixtures imported from clock_support


import pytest

from services.registration.cycle.models import Series
from tests.registration.builders import count, english, load
from tests.registration.cycle.clock_support import (  # noqa: F401 - fixtures
    _fast,
    add_series,
    admin,
    fast_passwords,
    secretary,
)
from tests.registration.staff.support import text


def series_form(**overrides):
    """A valid series form post."""
    form = {"name": "Järjestöfoorumi", "slug": "jarjestofoorumi", "description": "For *NGOs*",
            "forums_per_year_min": "2", "forums_per_year_max": "4", "publish_lead_days": "10",
            "comment_window_days": "7", "recording_visible_days": "14",
            "caption_deadline_days": "14", "working_body": "Järjestöjen vaikuttamistoimielin",
            "newsletter_segment": "wellbeing",
            "memo_board": "Sote-lautakunta <sote@county.example>",
            "memo_regional_government": "Aluehallitus <ah@county.example>", "memo_other": "",
            "partners": "Yrittäjät <info@yrittajat.example>\n\nKauppakamari <kk@chamber.example>",
            "active": "y"}
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


@pytest.mark.parametrize("url", ["/staff/series", "/staff/series/new"])
def test_only_admins_see_the_series_pages(app, secretary, url):
    assert secretary.get(url).status_code == 403
    anonymous = english(app).get(url)
    assert anonymous.status_code == 302 and "/staff/login" in anonymous.headers["Location"]


def test_a_secretary_cannot_post_a_series(app, secretary):
    assert secretary.post("/staff/series/new", data=series_form()).status_code == 403
    assert count(app, Series) == 0


def test_a_new_series_form_starts_from_the_defaults(admin):
    page = text(admin.get("/staff/series/new"))
    assert 'name="forums_per_year_min" type="number" value="3"' in page
    assert 'name="forums_per_year_max" type="number" value="6"' in page
    assert 'name="publish_lead_days" type="number" value="7"' in page
    assert 'name="caption_deadline_days" type="number" value="14"' in page


def test_an_admin_creates_a_series_with_its_people(app, admin):
    response = admin.post("/staff/series/new", data=series_form())
    assert response.status_code == 302
    with app.app_context():
        from services.registration.cycle import series

        created = series.by_slug("jarjestofoorumi")
        assert (created.forums_per_year_min, created.forums_per_year_max) == (2, 4)
        assert created.publish_lead_days == 10 and created.newsletter_segment == "wellbeing"
        assert created.memo_recipients == [
            {"name": "Sote-lautakunta", "email": "sote@county.example", "kind": "board"},
            {"name": "Aluehallitus", "email": "ah@county.example", "kind": "regional_government"}]
        assert created.partners == [{"name": "Yrittäjät", "email": "info@yrittajat.example"},
                                    {"name": "Kauppakamari", "email": "kk@chamber.example"}]
        assert created.active
    page = text(admin.get("/staff/series"))
    assert "Järjestöfoorumi" in page and "2–4" in page


def test_editing_a_series_shows_and_keeps_its_people(app, admin):
    series_id = add_series(app, partners=[{"name": "Kunta", "email": "kunta@example.fi"}])
    page = text(admin.get(f"/staff/series/{series_id}/edit"))
    assert "Kunta &lt;kunta@example.fi&gt;" in page
    response = admin.post(f"/staff/series/{series_id}/edit", data=series_form(
        slug="palveluntuottajafoorumi", partners="Kunta <kunta@example.fi>", active=None))
    assert response.status_code == 302
    saved = load(app, Series, series_id)
    assert saved.name == "Järjestöfoorumi" and not saved.active
    assert saved.partners == [{"name": "Kunta", "email": "kunta@example.fi"}]


def test_html_in_a_name_is_shown_as_text(app, admin):
    admin.post("/staff/series/new", data=series_form(name="<script>alert(1)</script>"))
    page = text(admin.get("/staff/series"))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


@pytest.mark.parametrize(("overrides", "field", "message"), [
    ({"partners": "Yrittäjät <info@yrittajat.example>\nKauppakamari <not-an-address>"},
     "partners", "Rivi 2: not-an-address ei ole kelvollinen sähköpostiosoite."),
    ({"memo_board": "\n\njust a name"}, "memo_board", "Rivi 3:"),
    ({"forums_per_year_min": "5", "forums_per_year_max": "3"}, "forums_per_year_max",
     "Enimmäismäärä ei voi olla pienempi kuin vähimmäismäärä."),
    ({"publish_lead_days": "0"}, "publish_lead_days", "Anna kokonaisluku väliltä 1–365."),
    ({"comment_window_days": "366"}, "comment_window_days", "Anna kokonaisluku väliltä 1–365."),
    ({"recording_visible_days": "many"}, "recording_visible_days", "Anna kokonaisluku."),
    ({"slug": "Not A Slug"}, "slug", "Käytä pieniä kirjaimia a–z, numeroita ja yhdysviivoja."),
    ({"name": "  "}, "name", "Tämä kenttä on pakollinen."),
    ({"newsletter_segment": "nobody"}, "newsletter_segment", "Valitse yksi vaihtoehdoista."),
])
def test_bad_input_is_answered_in_finnish_and_saves_nothing(app, overrides, field, message):
    from shared.testing.fixtures import login_as

    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fi"
    login_as(app, client, "admin")
    response = client.post("/staff/series/new", data=series_form(**overrides))
    assert response.status_code == 422
    page = text(response)
    assert f'id="{field}-error"' in page and message in page
    assert count(app, Series) == 0


def test_a_taken_slug_is_refused(app, admin):
    add_series(app, slug="jarjestofoorumi", name="Old")
    response = admin.post("/staff/series/new", data=series_form())
    assert response.status_code == 422 and "Another series has this short name." in text(response)
    assert count(app, Series) == 1


def test_an_unknown_series_is_not_found(admin):
    assert admin.get("/staff/series/999999/edit").status_code == 404
    assert admin.post("/staff/series/999999/edit", data=series_form()).status_code == 404
