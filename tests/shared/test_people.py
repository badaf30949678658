"""The people pages: admins manage staff accounts; everyone changes their own password."""

import pytest
import sqlalchemy as sa

from shared.auth import StaffUser, accounts_db
from shared.testing.fixtures import create_staff, login_as
from tests.registration.builders import english, fast_passwords  # noqa: F401 - a fixture


@pytest.fixture
def portal(make_app, fast_passwords):  # noqa: F811
    """The portal, where the people pages live."""
    return make_app("portal")


def accounts(app):
    """{email: (name, roles, active)} of every stored account."""
    with app.app_context():
        users = accounts_db.session.scalars(sa.select(StaffUser)).all()
        return {u.email: (u.name, u.roles, u.active) for u in users}


def user_id(app, email):
    """The id of the account with ``email``."""
    with app.app_context():
        return accounts_db.session.scalar(sa.select(StaffUser.id).where(StaffUser.email == email))


def test_an_admin_adds_an_account_that_can_log_in(portal):
    admin = english(portal)
    login_as(portal, admin, "admin")
    response = admin.post("/staff/people/new", data={
        "email": " New@Example.fi ", "name": "Uusi Sihteeri", "roles": ["secretary"],
        "active": "1", "password": "long enough secret"})
    assert response.status_code == 302
    assert accounts(portal)["new@example.fi"] == ("Uusi Sihteeri", "secretary", True)
    assert "Uusi Sihteeri" in admin.get("/staff/people/").get_data(as_text=True)
    login = portal.test_client().post("/staff/login", data={"email": "new@example.fi",
                                                           "password": "long enough secret"})
    assert login.status_code == 302


@pytest.mark.parametrize(("form", "field", "message"), [
    ({"email": "not-an-address"}, "email", "Enter a valid email address."),
    ({"password": "short"}, "password", "Use at least 10 characters."),
    ({"roles": ["king"]}, "roles", "Choose one of the options."),
    ({"name": "Line\r\nBcc: x@evil.example"}, "name", "Write this on one line."),
    ({"name": "  "}, "name", "This field is required."),
], ids=["email", "password", "role", "control characters", "blank name"])
def test_bad_input_is_shown_by_its_field_and_changes_nothing(portal, form, field, message):
    admin = english(portal)
    login_as(portal, admin, "admin")
    before = accounts(portal)
    data = {"email": "ok@example.fi", "name": "Name", "roles": ["moderator"],
            "password": "long enough secret", **form}
    response = admin.post("/staff/people/new", data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{field}-error"' in page and message in page
    assert accounts(portal) == before


def test_a_duplicate_address_is_refused_by_its_field(portal):
    admin = english(portal)
    login_as(portal, admin, "admin")
    email, _ = create_staff(portal, "moderator")
    before = accounts(portal)
    response = admin.post("/staff/people/new", data={"email": email, "name": "Again",
                                                      "password": "long enough secret"})
    assert response.status_code == 422
    assert "exists already" in response.get_data(as_text=True)
    assert accounts(portal) == before


def test_removing_a_role_logs_the_person_out_everywhere(portal, make_app):
    admin = english(portal)
    login_as(portal, admin, "admin")
    feedback = make_app("feedback")
    moderator = feedback.test_client()
    email = login_as(feedback, moderator, "moderator")
    assert moderator.get("/staff/moderation").status_code == 200
    response = admin.post(f"/staff/people/{user_id(portal, email)}",
                          data={"name": "Ex-moderator", "roles": ["communications"], "active": "1"})
    assert response.status_code == 302
    assert accounts(portal)[email] == ("Ex-moderator", "communications", True)
    assert moderator.get("/staff/moderation").status_code == 302


def test_an_admin_cannot_lock_themselves_out(portal):
    admin = english(portal)
    email = login_as(portal, admin, "admin")
    before = accounts(portal)
    response = admin.post(f"/staff/people/{user_id(portal, email)}",
                          data={"name": "Admin", "roles": ["secretary"], "active": "1"})
    assert response.status_code == 422
    assert accounts(portal) == before


@pytest.mark.parametrize("path", ["/staff/people/", "/staff/people/new", "/staff/people/1"])
def test_the_people_pages_are_for_admins_only(portal, path):
    secretary = portal.test_client()
    login_as(portal, secretary, "secretary")
    assert secretary.get(path).status_code == 403
    assert portal.test_client().get(path).status_code == 302


def test_an_unknown_account_is_404(portal):
    admin = portal.test_client()
    login_as(portal, admin, "admin")
    assert admin.get("/staff/people/999999").status_code == 404


def test_changing_your_password_needs_the_current_one_and_ends_your_sessions(portal):
    email, password = create_staff(portal, "moderator")
    me, other_browser = english(portal), portal.test_client()
    for client in (me, other_browser):
        client.post("/staff/login", data={"email": email, "password": password})
    wrong = me.post("/staff/account/password", data={"current": "nope", "password": "new password 123",
                                                      "confirm": "new password 123"})
    assert wrong.status_code == 422 and "not your current password" in wrong.get_data(as_text=True)
    mismatch = me.post("/staff/account/password", data={"current": password, "password": "new password 123",
                                                         "confirm": "new password 124"})
    assert mismatch.status_code == 422 and "do not match" in mismatch.get_data(as_text=True)
    done = me.post("/staff/account/password", data={"current": password, "password": "new password 123",
                                                     "confirm": "new password 123"})
    assert done.status_code == 302
    assert other_browser.get("/staff/account/password").status_code == 302
    assert portal.test_client().post("/staff/login", data={"email": email, "password": password}
                                     ).status_code == 401
    assert portal.test_client().post("/staff/login", data={"email": email, "password": "new password 123"}
                                     ).status_code == 302
