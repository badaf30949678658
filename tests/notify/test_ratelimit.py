"""The public subscribe form and API are rate limited per email address."""

from tests.notify.test_subscribers import FORM


def test_the_sixth_subscribe_of_an_address_in_a_minute_is_refused(make_app):
    app = make_app("notify", RATELIMIT_ENABLED=True)
    client = app.test_client()
    codes = [client.post("/subscribe", data=FORM).status_code for _ in range(6)]
    assert codes == [202] * 5 + [429]


def test_the_api_answers_429_as_json(make_app):
    app = make_app("notify", RATELIMIT_ENABLED=True)
    client = app.test_client()
    body = {"email": "pekka@example.fi"}
    codes = [client.post("/api/v1/subscribers", json=body).status_code for _ in range(6)]
    assert codes == [202] * 5 + [429]
    assert client.post("/api/v1/subscribers", json=body).json["code"] == 429
