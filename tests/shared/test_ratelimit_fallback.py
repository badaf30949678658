"""The rate limits ride out their Redis stopping or freezing (shared.web.ratelimit).

Each test owns a ``redis-server`` it stops or SIGSTOPs: a request never waits on it longer than
the limiter's timeout, the limits go on counting in memory meanwhile, and the counting returns
to Redis once it answers.
"""

import time

import pytest
import redis
from redis.backoff import NoBackoff

from services.notify.blueprint import limiter
from shared.testing.servers import RedisServer
from shared.testing.waiting import wait_until
from shared.web.ratelimit import public_form_limits, storage_options

#: the longest a limited request may take while the storage is away (timeout 0.2 s, and slack)
QUICK = 0.8


@public_form_limits(limiter)
def fallback_form():
    """A public form (only in these tests)."""
    return "thanks"


@pytest.fixture
def storage(tmp_path):
    """A Redis of the test's own for the limiter's counters."""
    with RedisServer(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def client(make_app, storage):
    """A client of the notify app with limits on, counted in ``storage``, and a limited form."""
    app = make_app("notify", RATELIMIT_ENABLED=True, RATELIMIT_STORAGE_URI=storage.url(1),
                   RATELIMIT_PER_IP="100 per minute", RATELIMIT_PER_EMAIL="2 per minute")
    app.add_url_rule("/forms/fallback", "fallback_form", fallback_form, methods=["POST"])
    return app.test_client()


def post(client, email):
    """POST the form for ``email``; returns (status, seconds)."""
    started = time.monotonic()
    response = client.post("/forms/fallback", data={"email": email})
    return response.status_code, time.monotonic() - started


def counters(storage):
    """The limiter's keys in its Redis database."""
    return redis.Redis(port=storage.port, db=1, socket_timeout=1).keys("*")


def test_redis_options_have_timeouts_and_no_retries_and_memory_has_none():
    options = storage_options("redis://127.0.0.1:6379/1", 0.2)
    assert options["socket_timeout"] == options["socket_connect_timeout"] == 0.2
    assert options["retry"].get_retries() == 0
    assert isinstance(options["retry"]._backoff, NoBackoff)
    assert storage_options("memory://", 0.2) == {}


def test_limits_count_in_memory_while_redis_is_down_then_in_redis_again(client, storage):
    assert post(client, "a@example.fi")[0] == 200
    assert counters(storage)

    storage.stop()
    answers = [post(client, "b@example.fi") for _ in range(3)]
    assert [status for status, _ in answers] == [200, 200, 429]  # still limited, in memory
    assert max(seconds for _, seconds in answers) < QUICK

    storage.start()  # empty: nothing was kept
    counting_in_redis_again(client, storage)


def counting_in_redis_again(client, storage):
    """Wait until the limits count in Redis again (Flask-Limiter tries it now and then)."""
    emails = iter(f"again{n}@example.fi" for n in range(1000))
    wait_until(lambda: post(client, next(emails))[0] == 200 and counters(storage), timeout=20,
               interval=0.2, message="counting in Redis again")


def test_a_frozen_redis_costs_a_request_at_most_the_timeout(client, storage):
    assert post(client, "d@example.fi")[0] == 200
    storage.pause()
    try:
        answers = [post(client, f"e{n}@example.fi") for n in range(5)]
    finally:
        storage.resume()
    assert {status for status, _ in answers} == {200}
    assert max(seconds for _, seconds in answers) < QUICK, answers
    redis.Redis(port=storage.port, db=1).flushdb()
    counting_in_redis_again(client, storage)
