"""Each task reaches exactly its own service's queue, and no other."""

import pytest
from kombu import Connection

from shared.celery import celery_app
from shared.config import SERVICES
from shared.testing.databases import redis_url


def test_every_queue_has_its_own_exchange_and_routing_key():
    bindings = {(q.exchange.name, q.routing_key) for q in celery_app.conf.task_queues}
    assert bindings == {(s, s) for s in SERVICES}


@pytest.mark.parametrize("service", SERVICES)
def test_a_task_is_routed_by_the_prefix_of_its_name(service):
    route = celery_app.amqp.router.route({}, f"{service}.relay_outbox", args=(), kwargs={})
    assert route["queue"].name == service
    assert route["queue"].routing_key == service


def test_a_published_task_lands_in_one_queue_only():
    url = redis_url(9)
    with Connection(url) as conn:
        with conn.Producer() as producer:
            celery_app.send_task("registration.relay_outbox", producer=producer)
        depths = {s: conn.default_channel.client.llen(s) for s in SERVICES}
    assert depths == {"registration": 1, "feedback": 0, "memo": 0, "notify": 0}
