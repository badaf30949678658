"""Staff login, roles and the route guard."""

from shared.testing.fixtures import create_staff


def test_login_with_right_password_sets_the_session(make_app):
    app = make_app("notify")
    email, password = create_staff(app, "moderator")
    client = app.test_client()
    response = client.post("/staff/login?next=/notify/", data={"email": email, "password": password})
    assert response.status_code == 302
    assert response.headers["Location"] == "/notify/"


def test_login_with_wrong_password_is_refused_in_the_users_language(make_app):
    app = make_app("notify")
    email, _ = create_staff(app, "moderator")
    client = app.test_client()
    response = client.post("/staff/login", data={"email": email, "password": "wrong"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 401
    assert b"The email address or password is wrong." in response.data


def test_login_never_redirects_off_site(make_app):
    app = make_app("notify")
    email, password = create_staff(app, "admin")
    client = app.test_client()
    response = client.post("/staff/login?next=https://evil.example/",
                           data={"email": email, "password": password})
    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
