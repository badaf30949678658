"""The registrant organisation's optional industry, size and area: asked by the form and the JSON
API, stored as codes, refused field by field in the user's language when unknown (nothing stored),
shown to the manage link's holder and in the staff's CSV export."""

import csv
import io

import pytest
import sqlalchemy as sa

from services.registration.models import Registration, db
from shared.testing.fixtures import login_as
from tests.registration.builders import (
    add_event,
    add_registration,
    english,
    fast_passwords,  # noqa: F401 - a fixture
    registration_form,
)
from tests.registration.test_api import body, post_registration

pytestmark = pytest.mark.usefixtures("fast_passwords")
EN = {"Accept-Language": "en"}
PROFILE = {"industry": "mental_health", "organisation_size": "medium", "region": "east"}
MESSAGES = {"industry": "Choose one of the industries.",
            "organisation_size": "Choose one of the size classes.",
            "region": "Choose one of the areas."}


def stored(app):
    """[(industry, size, region)] of every registration."""
    with app.app_context():
        return db.session.execute(sa.select(
            Registration.industry, Registration.organisation_size, Registration.region)
            .order_by(Registration.id)).all()


def test_the_form_asks_for_the_profile_with_not_given_first(app):
    event_id = add_event(app)
    html = english(app).get(f"/events/{event_id}/register").get_data(as_text=True)
    for name in PROFILE:
        select = html.split(f'<select id="{name}" name="{name}"', 1)[1].split("</select>", 1)[0]
        assert 'aria-required' not in select
        assert '<option value="">Not given</option>' in select
    assert '<option value="medium">Medium-sized (50–249 persons)</option>' in html
    assert '<option value="east">Eastern area</option>' in html


def test_the_form_stores_the_profile_and_blank_is_nothing(app):
    event_id = add_event(app)
    client = english(app)
    assert client.post(f"/events/{event_id}/register",
                       data=registration_form(**PROFILE)).status_code == 202
    assert client.post(f"/events/{event_id}/register", data=registration_form(
        email="b@example.fi", industry="", organisation_size="", region="")).status_code == 202
    assert stored(app) == [("mental_health", "medium", "east"), (None, None, None)]


@pytest.mark.parametrize("field", list(PROFILE))
@pytest.mark.parametrize("value", ["nursing", "<b>east</b>", "MEDIUM"])
def test_the_form_refuses_an_unknown_code_next_to_its_field(app, field, value):
    event_id = add_event(app)
    response = english(app).post(f"/events/{event_id}/register",
                                 data=registration_form(**{**PROFILE, field: value}))
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert f'id="{field}-error"' in html and MESSAGES[field] in html
    assert "<b>east</b>" not in html
    assert stored(app) == []


def test_the_forms_error_is_in_finnish(app):
    event_id = add_event(app)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fi"
    html = client.post(f"/events/{event_id}/register",
                       data=registration_form(region="mars")).get_data(as_text=True)
    assert 'id="region-error"' in html and MESSAGES["region"] not in html
    assert stored(app) == []


def test_the_api_stores_the_profile_and_the_manage_link_shows_it(app, client):
    event_id = add_event(app)
    assert post_registration(client, event_id, body(**PROFILE)).status_code == 202
    assert post_registration(client, event_id, body(
        email="b@example.fi", industry=None, region="")).status_code == 202
    assert stored(app) == [("mental_health", "medium", "east"), (None, None, None)]
    with app.app_context():
        token = db.session.scalars(sa.select(Registration.manage_token)
                                   .order_by(Registration.id)).first()
    view = client.get(f"/api/v1/registrations/{token}").json
    assert {name: view[name] for name in PROFILE} == PROFILE


@pytest.mark.parametrize("field", list(PROFILE))
@pytest.mark.parametrize("value", ["nursing", 5, ["east"], {"a": 1}, True])
def test_the_api_refuses_an_unknown_code_or_type_by_field(app, client, field, value):
    event_id = add_event(app)
    response = post_registration(client, event_id, body(**{field: value}), headers=EN)
    assert response.status_code == 422
    assert response.json["errors"] == {field: [MESSAGES[field]]}
    assert stored(app) == []


def test_the_api_null_is_nothing(app, client):
    event_id = add_event(app)
    data = {**body(), "industry": None, "organisation_size": None, "region": None}
    assert post_registration(client, event_id, data).status_code == 202
    assert stored(app) == [(None, None, None)]


def test_the_csv_export_has_the_profile_in_words(app):
    event_id = add_event(app)
    add_registration(app, event_id, **PROFILE)
    add_registration(app, event_id, email="b@example.fi", name="Bert Berg")
    client = english(app)
    login_as(app, client, "secretary")
    response = client.get(f"/staff/events/{event_id}/registrations.csv")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    columns = [header.index(t) for t in ("Industry", "Size of the organisation",
                                         "Area of the county")]
    by_name = {r[0]: [r[i] for i in columns] for r in rows[1:]}
    assert by_name["Reino Registrant"] == ["Mental health and substance abuse services",
                                           "Medium-sized (50–249 persons)", "Eastern area"]
    assert by_name["Bert Berg"] == ["", "", ""]
