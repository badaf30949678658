"""Staff sessions end when they should: logout, password change, deactivation, role removal,
the idle and absolute timeouts; and a copied cookie is refused once its session has ended."""

import datetime as dt

import pytest
import sqlalchemy as sa

from shared.auth import StaffSession, StaffUser, accounts_db, set_active, set_password, set_roles
from shared.testing.fixtures import create_staff, login_as
from tests.registration.builders import fast_passwords  # noqa: F401 - a fixture

MODERATION = "/staff/moderation"


@pytest.fixture
def app(make_app, fast_passwords):  # noqa: F811
    """The feedback service: its moderation queue is a staff page."""
    return make_app("feedback")


def copied_cookie(app, client):
    """A second browser holding a copy of ``client``'s session cookie (as a thief would)."""
    thief = app.test_client()
    cookie = client.get_cookie("foorumi_session")
    thief.set_cookie("foorumi_session", cookie.value)
    return thief


def opens_staff_page(client):
    """Whether the client gets the moderation queue (not the login page)."""
    return client.get(MODERATION).status_code == 200


def change_user(app, email, change):
    """Apply ``change(user)`` to the stored user and commit, as an admin's action would."""
    with app.app_context():
        user = accounts_db.session.scalar(sa.select(StaffUser).where(StaffUser.email == email))
        change(user)
        accounts_db.session.commit()


def test_a_cookie_captured_before_logout_is_refused_after_it(app):
    client = app.test_client()
    login_as(app, client, "moderator")
    thief = copied_cookie(app, client)
    assert opens_staff_page(thief)
    assert client.post("/staff/logout").status_code == 302
    assert not opens_staff_page(thief)
    assert thief.get(MODERATION).headers["Location"].startswith("/staff/login")
    assert not opens_staff_page(client)


def test_logout_ends_only_this_browsers_session(app):
    email, password = create_staff(app, "moderator")
    laptop, phone = app.test_client(), app.test_client()
    for client in (laptop, phone):
        assert client.post("/staff/login", data={"email": email, "password": password}).status_code == 302
    laptop.post("/staff/logout")
    assert not opens_staff_page(laptop)
    assert opens_staff_page(phone)


@pytest.mark.parametrize("change", [
    lambda user: set_password(user, "a brand new password"),
    lambda user: set_active(user, False),
    lambda user: set_roles(user, []),
], ids=["password changed", "deactivated", "role removed"])
def test_account_changes_end_every_session_of_the_user(app, change):
    client = app.test_client()
    email = login_as(app, client, "moderator")
    thief = copied_cookie(app, client)
    change_user(app, email, change)
    assert not opens_staff_page(client)
    assert not opens_staff_page(thief)


def test_adding_a_role_keeps_the_session(app):
    client = app.test_client()
    email = login_as(app, client, "moderator")
    change_user(app, email, lambda user: set_roles(user, ["moderator", "secretary"]))
    assert opens_staff_page(client)


def _age_session(app, **fields):
    """Move the stored sessions' times into the past."""
    with app.app_context():
        accounts_db.session.execute(sa.update(StaffSession).values(**fields))
        accounts_db.session.commit()


def _ago(**delta):
    """A UTC time ``delta`` before now."""
    return dt.datetime.now(dt.UTC) - dt.timedelta(**delta)


def test_an_idle_session_ends(make_app, fast_passwords):  # noqa: F811
    app = make_app("feedback", SESSION_IDLE_MINUTES=30)
    client = app.test_client()
    login_as(app, client, "moderator")
    _age_session(app, last_seen_at=_ago(minutes=29))
    assert opens_staff_page(client)  # in use again: the idle clock restarts
    _age_session(app, last_seen_at=_ago(minutes=31))
    assert not opens_staff_page(client)


def test_a_session_in_use_still_ends_at_its_absolute_lifetime(make_app, fast_passwords):  # noqa: F811
    app = make_app("feedback", SESSION_HOURS=12)
    client = app.test_client()
    login_as(app, client, "moderator")
    _age_session(app, created_at=_ago(hours=11, minutes=59))
    assert opens_staff_page(client)
    _age_session(app, created_at=_ago(hours=12, minutes=1))
    assert not opens_staff_page(client)


def test_a_request_records_the_session_as_used_at_most_once_a_minute(app):
    client = app.test_client()
    login_as(app, client, "moderator")
    _age_session(app, last_seen_at=_ago(minutes=5))
    client.get(MODERATION)
    with app.app_context():
        seen = accounts_db.session.scalar(sa.select(StaffSession.last_seen_at))
    assert seen > _ago(seconds=30)


def test_a_deactivated_account_cannot_log_in(app):
    email, password = create_staff(app, "moderator")
    change_user(app, email, lambda user: set_active(user, False))
    response = app.test_client().post("/staff/login", data={"email": email, "password": password})
    assert response.status_code == 401
    with app.app_context():
        assert accounts_db.session.scalar(sa.select(sa.func.count()).select_from(StaffSession)) == 0


def test_a_forged_session_id_opens_nothing(app):
    client = app.test_client()
    with client.session_transaction() as session:
        session["sid"] = "guessed-token"
    assert not opens_staff_page(client)


def test_the_login_sweeps_sessions_that_ran_out(app):
    email, password = create_staff(app, "moderator")
    client = app.test_client()
    client.post("/staff/login", data={"email": email, "password": password})
    _age_session(app, created_at=_ago(days=2), last_seen_at=_ago(days=2))
    app.test_client().post("/staff/login", data={"email": email, "password": password})
    with app.app_context():
        assert accounts_db.session.scalar(sa.select(sa.func.count()).select_from(StaffSession)) == 1
