"""Rate limits on the public comment forms and API, counted in a real Redis."""

import pytest
import redis

from shared.testing.databases import redis_url

REDIS_DB = 15
TOO_MANY = "Too many attempts. Please wait a moment and try again."
EN = {"Accept-Language": "en"}


def form(n, email=None):
    """A distinct valid comment form (distinct texts, so none is a double submit)."""
    return {"name": "Maija", "organisation": "Hoiva Oy", "email": email or f"u{n}@example.fi",
            "text": f"Point number {n}."}


@pytest.fixture
def storage():
    """A flushed Redis database for the limiter's counters."""
    return redis_url(REDIS_DB)


@pytest.fixture
def limited(app, make_app, storage):
    """The feedback app with limits on: 3 a minute per IP, 2 per email address.

    Built after ``app`` (the fixtures' app): the limiter is one object per service, and the
    app built last sets whether it is on.
    """
    return make_app("feedback", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage,
                    RATELIMIT_PER_IP="3 per minute", RATELIMIT_PER_EMAIL="2 per minute")


def post(client, path, data, ip="10.0.0.1", **kwargs):
    """POST a form from ``ip``."""
    return client.post(path, data=data, headers=EN, environ_base={"REMOTE_ADDR": ip}, **kwargs)


def test_one_address_over_the_limit_gets_a_readable_429_page(limited, storage, create_forum,
                                                            count_rows):
    client, topic = limited.test_client(), create_forum()[0]
    path = f"/topics/{topic}/comments"
    assert [post(client, path, form(n)).status_code for n in range(3)] == [302] * 3

    response = post(client, path, form(3))

    assert response.status_code == 429 and response.mimetype == "text/html"
    assert TOO_MANY in response.get_data(as_text=True)
    assert "<h1>" in response.get_data(as_text=True)
    assert count_rows()[0] == 3
    assert post(client, path, form(4), ip="10.0.0.2").status_code == 302  # another address
    assert redis.Redis.from_url(storage).keys("*foorumi:feedback*"), "counted in Redis"


def test_one_email_is_limited_across_addresses(limited, create_forum, count_rows):
    client, topic = limited.test_client(), create_forum()[0]
    path = f"/topics/{topic}/comments"
    codes = [post(client, path, form(n, "Maija@Example.fi"), ip=f"10.0.1.{n}").status_code
             for n in range(3)]
    assert codes == [302, 302, 429]
    assert count_rows()[0] == 2
    assert post(client, path, form(9, "pekka@example.fi"), ip="10.0.1.9").status_code == 302


def test_the_api_answers_429_as_json(limited, create_forum, count_rows):
    client, topic = limited.test_client(), create_forum()[0]
    path = f"/api/v1/topics/{topic}/comments"
    codes = [client.post(path, json=form(n), headers=EN).status_code for n in range(4)]
    assert codes == [202, 202, 202, 429]
    response = client.post(path, json=form(5), headers=EN)
    assert response.status_code == 429
    assert response.get_json() == {"code": 429, "message": TOO_MANY}
    assert count_rows()[0] == 3


def test_reading_is_not_limited(limited, create_forum):
    client, topic = limited.test_client(), create_forum()[0]
    assert {client.get(f"/topics/{topic}").status_code for _ in range(6)} == {200}


def test_replies_and_reports_are_limited_too(limited, create_forum, create_comment, count_rows):
    client, topic = limited.test_client(), create_forum()[0]
    comment = create_comment(topic)
    reports = [post(client, f"/comments/{comment}/reports", {"reason": "spam"}).status_code
               for _ in range(4)]
    replies = [post(client, f"/comments/{comment}/replies", form(n)).status_code
               for n in range(4)]
    assert replies == [302, 302, 302, 429]  # the per-IP limit
    assert reports == [302, 302, 429, 429]  # no email: the per-email limit counts the IP
    assert count_rows()[:2] == (1 + 3, 2)
