"""A newsletter lane killed mid-send: its claim returns to the queue when its lease ends.

A real ``foorumi worker`` (prefork, one lane per pool process) sends a 1,000-message campaign at
a 20 msg/s limit on a Redis of the test's own, with beat beside it; one pool process is SIGKILLed
while its lane holds a batch. Celery hands the killed task to a new pool process (the lane goes
on with a fresh batch), and the dead batch's rows stay SENDING under a claim nobody refreshes.
They must be claimed again as soon as that lease ends, by whichever lane (or beat's tick) looks
first, not after the surviving lanes have finished and the campaign's heartbeat has gone stale:
the campaign takes about 1,000 / 20 s, and never more than that plus the lease and a few seconds.
"""

import datetime as dt
import os
import signal
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from services.notify import tasks
from services.notify.models import Campaign, CampaignStatus, Delivery, DeliveryStatus, Subscriber
from services.notify.models import db as notify_db
from shared.db import utcnow
from shared.testing.servers import RedisServer
from shared.testing.waiting import wait_until
from shared.testing.worker import BeatProcess
from tests.notify.newsletters import add_campaign, add_subscribers, deliveries

pytestmark = pytest.mark.slow

LANES = 4
MESSAGES = 1000
RATE = 20.0
LEASE = 20.0
#: beat's default tick: the lanes, not beat, must be what notices a dead claim first
TICK = 15.0
#: what the machine may add on top of the sending time and the lease (noisy, two cores)
SLACK = 10.0
SENDING = {"MAIL_BACKEND": "smtp", "NEWSLETTER_CONNECTIONS": LANES, "NEWSLETTER_BATCH_SIZE": 50,
           "NEWSLETTER_RATE_PER_SECOND": RATE, "NEWSLETTER_LEASE_SECONDS": LEASE,
           "NEWSLETTER_TICK_SECONDS": TICK, "PUBLISH_IMMEDIATELY": True,
           "OUTBOX_RELAY_INTERVAL": 1.0}


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of the test's own (the machine's Redis is never touched)."""
    with RedisServer(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def recovering(make_app, create_worker, smtp, settings, redis_server, tmp_path):
    """(notify app, the prefork worker) with beat running, all on the test's Redis and SMTP."""
    overrides = {**SENDING, "BROKER_URL": redis_server.url(), "SMTP_PORT": smtp.port}
    app = make_app("notify", **overrides)
    worker = create_worker(pool="prefork", concurrency=LANES, **overrides)
    beat = BeatProcess({**settings, **overrides}, tmp_path).start()
    yield app, worker
    beat.stop()


def pool_processes(worker):
    """The pids of the worker's pool processes (the children of its main process)."""
    pid = worker.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [int(child) for child in children]


def claims(app, campaign_id):
    """{claim token: latest claimed_at} of the campaign's SENDING rows now."""
    with app.app_context():
        rows = notify_db.session.execute(
            sa.select(Delivery.claim_token, sa.func.max(Delivery.claimed_at))
            .where(Delivery.campaign_id == campaign_id, Delivery.status == DeliveryStatus.SENDING)
            .group_by(Delivery.claim_token)).all()
        return dict(rows)


def dead_claims(app, campaign_id, killed_at):
    """The claim tokens nobody refreshed since the kill, once every live lane has refreshed its own.

    A live lane refreshes its claim every couple of seconds, so once ``LANES`` claims (the three
    survivors and the killed task's redelivery) are newer than the kill, the older ones are dead.
    """
    now = claims(app, campaign_id)
    fresh = {t for t, at in now.items() if at > killed_at}
    if len(fresh) < LANES:
        return None
    return {t for t in now if t not in fresh} or {"none"}


def still_claimed(app, tokens):
    """How many rows are still SENDING under one of ``tokens``."""
    with app.app_context():
        return notify_db.session.scalar(sa.select(sa.func.count()).select_from(Delivery).where(
            Delivery.claim_token.in_(tokens), Delivery.status == DeliveryStatus.SENDING))


def emails_of(app, tokens):
    """The addresses of the rows claimed under ``tokens``."""
    with app.app_context():
        return set(notify_db.session.scalars(
            sa.select(Subscriber.email).join(Delivery, Delivery.subscriber_id == Subscriber.id)
            .where(Delivery.claim_token.in_(tokens))))


def status(app, campaign_id):
    """The campaign's status now."""
    with app.app_context():
        return notify_db.session.scalar(sa.select(Campaign.status).where(Campaign.id == campaign_id))


def test_a_killed_lanes_claim_is_sent_again_when_its_lease_ends(recovering, smtp):
    app, worker = recovering
    emails = add_subscribers(app, MESSAGES)
    campaign_id = add_campaign(app)
    started = time.monotonic()
    with app.app_context():
        tasks.run_campaign.delay(campaign_id)
    wait_until(lambda: len(smtp.recorder.received()) >= 150, timeout=60,
               message="150 messages before the kill")
    killed_at = utcnow() - dt.timedelta(milliseconds=50)
    os.kill(pool_processes(worker)[0], signal.SIGKILL)
    killed = time.monotonic()
    received_at_kill = len(smtp.recorder.received())

    dead = wait_until(lambda: dead_claims(app, campaign_id, killed_at), timeout=15,
                      message="every live lane to refresh its claim after the kill")
    assert dead != {"none"}, "the killed process held no claim: the kill proved nothing"
    dead_rows = emails_of(app, dead)
    wait_until(lambda: still_claimed(app, dead) == 0, timeout=LEASE + 150, interval=0.2,
               message="the dead lane's rows to be claimed again")
    recovered = time.monotonic() - killed
    wait_until(lambda: status(app, campaign_id) == CampaignStatus.SENT, timeout=200, interval=0.2,
               message="the campaign to be sent")
    elapsed = time.monotonic() - started

    counts = smtp.recorder.counts()
    duplicates = {e for e, n in counts.items() if n > 1}
    print(f"\none lane killed after {received_at_kill} of {MESSAGES} messages: its "
          f"{len(dead_rows)} claimed rows taken back {recovered:.1f} s after the kill "
          f"(lease {LEASE:.0f} s); campaign sent in {elapsed:.1f} s at {RATE:.0f} msg/s; "
          f"{len(duplicates)} duplicates")
    assert set(counts) == set(emails), "everyone got it"
    assert duplicates <= dead_rows and len(duplicates) <= 1, "only the message in flight"
    sent = {e for e, (s, _) in deliveries(app, campaign_id).items() if s == DeliveryStatus.SENT}
    assert sent == set(counts), "the rows match what the server got"
    assert recovered <= LEASE + 5.0, "taken back when the lease ended"
    assert elapsed <= MESSAGES / RATE + LEASE + SLACK
