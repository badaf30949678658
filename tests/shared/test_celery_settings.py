"""The broker settings of shared.celery: retry for ever, and timeouts on every connection."""

import pytest

from shared import celery as suite_celery
from shared.celery import broker_connection, celery_app, configure
from shared.config import DEFAULTS
from shared.testing.servers import RedisServer

REDIS = "redis://127.0.0.1:6379/15"  # never connected to
KEYS = ("broker_url", "broker_connection_retry", "broker_connection_max_retries",
        "broker_connection_timeout", "broker_transport_options")


@pytest.fixture(autouse=True)
def restored():
    """Put the Celery app's broker settings back after the test."""
    saved = {key: celery_app.conf[key] for key in KEYS}
    timeout = dict(suite_celery._publishing)
    yield
    celery_app.conf.update(saved)
    suite_celery._publishing.update(timeout)
    suite_celery._drop_connections()


def test_workers_and_beat_reconnect_for_as_long_as_the_broker_is_away():
    configure({**DEFAULTS, "BROKER_URL": REDIS})
    assert celery_app.conf.broker_connection_retry is True
    assert celery_app.conf.broker_connection_retry_on_startup is True
    assert celery_app.conf.broker_connection_max_retries is None  # for ever


def test_every_broker_connection_has_connect_and_socket_timeouts():
    configure({**DEFAULTS, "BROKER_URL": REDIS, "BROKER_CONNECT_TIMEOUT": 1.5,
               "BROKER_SOCKET_TIMEOUT": 4.0, "BROKER_VISIBILITY_TIMEOUT": 60.0})
    assert celery_app.conf.broker_connection_timeout == 1.5
    options = celery_app.conf.broker_transport_options
    assert options["visibility_timeout"] == 60.0
    assert (options["socket_connect_timeout"], options["socket_timeout"]) == (1.5, 4.0)
    assert (options["max_retries"], options["interval_start"]) == (1, 0)  # no waiting retry
    with broker_connection() as relay:
        assert relay.connect_timeout == 1.5
        assert relay.transport_options["socket_timeout"] == 4.0


def test_the_publish_after_a_commit_waits_at_most_its_own_timeout_and_never_retries():
    configure({**DEFAULTS, "BROKER_URL": REDIS, "OUTBOX_PUBLISH_TIMEOUT": 0.05})
    with broker_connection(quick=True) as quick:
        options = quick.transport_options
        assert quick.connect_timeout == 0.05
        assert (options["socket_connect_timeout"], options["socket_timeout"]) == (0.05, 0.05)
        assert options["max_retries"] == 0
        assert options["visibility_timeout"] == DEFAULTS["BROKER_VISIBILITY_TIMEOUT"]


def test_the_embedded_broker_gets_no_redis_options():
    configure({**DEFAULTS, "BROKER_URL": "sqla+sqlite:////tmp/foorumi-test-broker.sqlite"})
    assert celery_app.conf.broker_transport_options == {}


def test_no_redis_client_of_the_broker_retries(tmp_path):
    with RedisServer(tmp_path / "redis") as server:
        configure({**DEFAULTS, "BROKER_URL": server.url(0)})
        for quick in (False, True):
            with broker_connection(quick=quick) as connection:
                pool = connection.default_channel.client.connection_pool
                redis_connection = pool.get_connection()
                try:
                    assert redis_connection.retry.get_retries() == 0
                    assert redis_connection.socket_timeout == (0.1 if quick else 5.0)
                finally:
                    pool.release(redis_connection)


def test_the_embedded_sqlite_broker_is_polled_ten_times_a_second(tmp_path):
    from kombu.transport import sqlalchemy

    configure({**DEFAULTS, "BROKER_URL": f"sqla+sqlite:///{tmp_path / 'broker.sqlite'}"})
    assert sqlalchemy.Transport.polling_interval == suite_celery.SQLALCHEMY_BROKER_POLL_SECONDS
    assert celery_app.conf.broker_transport_options == {}  # nothing reaches create_engine
