"""Newsletters sent by real Celery workers on a real Redis to a real SMTP server (aiosmtpd).

The Redis is the test's own (``redis-server`` on a free port). A campaign to 2,000 subscribers
arrives exactly once each; a worker SIGKILLed three times mid-send (issue 13, scenario 5) still
gets it to everyone, with duplicates only among the messages in flight at each kill, and the
delivery rows match what the server received; a pause and a resume send nobody anything twice;
4xx answers are retried, 5xx answers suppress the address, and too many failures pause the
campaign and email its author. Beat runs as its own process where a dead worker's campaign must
be revived (its tick is what notices the lanes stopped) or a scheduled campaign started.
"""

import datetime as dt
import os
import signal
import time

import pytest
import sqlalchemy as sa

from services.notify import campaigns, tasks
from services.notify.models import Campaign, CampaignStatus, Delivery, DeliveryStatus, Subscriber
from services.notify.models import db as notify_db
from shared.db import utcnow
from shared.testing.servers import RedisServer
from shared.testing.waiting import wait_until
from shared.testing.worker import BeatProcess
from tests.notify.newsletters import add_campaign, add_subscribers, deliveries, subscriber_row

pytestmark = pytest.mark.slow

LANES = 4
SENDING = {"MAIL_BACKEND": "smtp", "NEWSLETTER_CONNECTIONS": LANES, "NEWSLETTER_BATCH_SIZE": 50,
           "NEWSLETTER_LEASE_SECONDS": 5.0, "NEWSLETTER_TICK_SECONDS": 1.0,
           "NEWSLETTER_RETRY_SECONDS": 0.2, "PUBLISH_IMMEDIATELY": True,
           "OUTBOX_RELAY_INTERVAL": 1.0}


@pytest.fixture
def redis_server(tmp_path):
    """A redis-server of the test's own (the machine's Redis is never touched)."""
    with RedisServer(tmp_path / "redis") as server:
        yield server


@pytest.fixture
def sending(make_app, create_worker, smtp, settings, redis_server, tmp_path):
    """(notify app, start_worker(), start_beat()) on the test's Redis and SMTP server."""
    overrides = {**SENDING, "BROKER_URL": redis_server.url(), "SMTP_PORT": smtp.port}
    app = make_app("notify", **overrides)
    beats = []

    def start_worker(pool="threads", **more):
        return create_worker(pool=pool, concurrency=LANES, **{**overrides, **more})

    def start_beat():
        beat = BeatProcess({**settings, **overrides}, tmp_path)
        beats.append(beat)
        return beat.start()

    yield app, start_worker, start_beat
    for beat in beats:
        beat.stop()


def kick(app, campaign_id):
    """Ask a worker to start the campaign, as the staff's send button does."""
    with app.app_context():
        tasks.run_campaign.delay(campaign_id)


def status(app, campaign_id):
    """The campaign's status now (read fresh)."""
    with app.app_context():
        return notify_db.session.scalar(sa.select(Campaign.status).where(Campaign.id == campaign_id))


def sending_rows(app, campaign_id):
    """The addresses whose delivery is SENDING (claimed, not recorded) now."""
    with app.app_context():
        return set(notify_db.session.scalars(
            sa.select(Subscriber.email).join(Delivery, Delivery.subscriber_id == Subscriber.id)
            .where(Delivery.campaign_id == campaign_id, Delivery.status == DeliveryStatus.SENDING)))


def sent_rows(app, campaign_id):
    """The addresses whose delivery is SENT."""
    return {e for e, (s, _) in deliveries(app, campaign_id).items() if s == DeliveryStatus.SENT}


def wait_for_status(app, campaign_id, wanted, timeout=120.0):
    """Wait until the campaign is ``wanted``."""
    wait_until(lambda: status(app, campaign_id) == wanted, timeout=timeout, interval=0.2,
               message=f"campaign {campaign_id} to be {wanted}")


@pytest.mark.parametrize("pool", ["threads", "prefork"])
def test_2000_subscribers_get_it_exactly_once(sending, smtp, pool):
    app, start_worker, _beat = sending
    emails = add_subscribers(app, 2000, locale="sv")
    campaign_id = add_campaign(app)
    start_worker(pool=pool)
    started = time.monotonic()
    kick(app, campaign_id)
    wait_for_status(app, campaign_id, CampaignStatus.SENT)
    elapsed = time.monotonic() - started
    assert smtp.recorder.counts() == {e: 1 for e in emails}
    assert sent_rows(app, campaign_id) == set(emails)
    msg = smtp.recorder.received(emails[1234])[0]
    token = subscriber_row(app, emails[1234]).token
    assert msg["Subject"] == "Nyhetsbrev"
    assert msg["List-Unsubscribe"].startswith(f"<http://localhost/notify/unsubscribe/{token}>, <mailto:")
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    print(f"\n2000 newsletters over {LANES} connections ({pool}) in {elapsed:.1f} s "
          f"({2000 / elapsed:.0f}/s)")


#: how many messages the server has received at each SIGKILL of the worker
KILLS_AT = (300, 900, 1500)


def kill(worker):
    """SIGKILL the worker's whole process group and wait for it to be gone."""
    os.killpg(worker.process.pid, signal.SIGKILL)
    worker.process.wait(timeout=10)


def test_a_worker_killed_three_times_mid_send_still_reaches_everyone(sending, smtp):
    """Scenario 5 of issue 13: everyone gets it, duplicates only among the messages in flight."""
    app, start_worker, start_beat = sending
    emails = add_subscribers(app, 2000)
    campaign_id = add_campaign(app)
    worker = start_worker()
    start_beat()
    started = time.monotonic()
    kick(app, campaign_id)
    in_flight, back_after = [], []
    for threshold in KILLS_AT:
        wait_until(lambda t=threshold: len(smtp.recorder.received()) >= t, timeout=90,
                   message=f"{threshold} messages before the kill")
        kill(worker)
        killed, at_kill = time.monotonic(), len(smtp.recorder.received())
        in_flight.append(sending_rows(app, campaign_id))
        assert at_kill < 2000, "the kill came too late to prove anything"
        worker = start_worker()  # beat's tick notices the dead lanes after the lease
        wait_until(lambda n=at_kill: len(smtp.recorder.received()) > n, timeout=60, interval=0.1,
                   message="sending to resume after the kill")
        back_after.append(time.monotonic() - killed)
    wait_for_status(app, campaign_id, CampaignStatus.SENT, timeout=180)
    elapsed = time.monotonic() - started

    counts = smtp.recorder.counts()
    duplicates = {e for e, n in counts.items() if n > 1}
    print(f"\nkilled {len(KILLS_AT)} times (at {', '.join(map(str, KILLS_AT))} received): "
          f"{len(duplicates)} duplicates; {', '.join(str(len(r)) for r in in_flight)} rows "
          f"claimed at the kills; sending resumed {', '.join(f'{s:.1f}' for s in back_after)} s "
          f"after each kill (worker restart + lease {SENDING['NEWSLETTER_LEASE_SECONDS']:.0f} s "
          f"+ tick); campaign sent in {elapsed:.1f} s")
    assert set(counts) == set(emails), "everyone got it"
    assert all(counts[e] == 2 for e in duplicates)
    assert duplicates <= set().union(*in_flight), "only messages in flight at a kill"
    assert len(duplicates) <= len(KILLS_AT) * LANES, "at most one in flight per connection per kill"
    rows = deliveries(app, campaign_id)
    assert len(rows) == 2000 and {s for s, _ in rows.values()} == {DeliveryStatus.SENT}
    assert sent_rows(app, campaign_id) == set(counts), "the rows match what the server got"
    with app.app_context():
        assert notify_db.session.scalar(sa.select(sa.func.count()).select_from(Delivery)) == 2000


def test_pause_and_resume_send_nobody_anything_twice(sending, smtp):
    app, start_worker, _beat = sending
    emails = add_subscribers(app, 1000)
    campaign_id = add_campaign(app)
    start_worker(NEWSLETTER_RATE_PER_SECOND=400.0)
    kick(app, campaign_id)
    wait_until(lambda: len(smtp.recorder.received()) >= 200, timeout=60, message="200 sent")
    with app.app_context():
        campaigns.pause(notify_db.session.get(Campaign, campaign_id))
        notify_db.session.commit()
    wait_until(lambda: not sending_rows(app, campaign_id), timeout=30,
               message="the lanes to hand back their rows")
    at_pause = len(smtp.recorder.received())
    assert at_pause < 1000
    assert sent_rows(app, campaign_id) == set(smtp.recorder.counts())
    with app.app_context():
        campaigns.resume(notify_db.session.get(Campaign, campaign_id))
        notify_db.session.commit()
    kick(app, campaign_id)
    wait_for_status(app, campaign_id, CampaignStatus.SENT)
    assert smtp.recorder.counts() == {e: 1 for e in emails}
    print(f"\npaused after {at_pause} of 1000, resumed, no duplicates")


def test_4xx_is_retried_5xx_suppressed_and_a_dropped_connection_retried(sending, smtp):
    app, start_worker, _beat = sending
    emails = add_subscribers(app, 200)
    busy, unknown, dropped = emails[10], emails[20], emails[30]
    smtp.recorder.reply_for[busy] = "451 4.2.1 Try again later"
    smtp.recorder.reply_times[busy] = 2
    smtp.recorder.reply_for[unknown] = "550 5.1.1 No such user"
    smtp.recorder.drop_after_data[dropped] = 1
    campaign_id = add_campaign(app)
    start_worker()
    kick(app, campaign_id)
    wait_for_status(app, campaign_id, CampaignStatus.SENT)
    rows = deliveries(app, campaign_id)
    assert rows[busy] == (DeliveryStatus.SENT, 3)
    assert rows[unknown] == (DeliveryStatus.BOUNCED, 1)
    # shared.mail reopens a reused connection the server dropped and sends again at once, so the
    # retry may happen inside the first attempt; either way it arrives once
    assert rows[dropped][0] == DeliveryStatus.SENT and rows[dropped][1] in (1, 2)
    assert (dropped, "dropped") in smtp.recorder.refused
    assert subscriber_row(app, unknown).suppressed_at is not None
    assert smtp.recorder.counts() == {e: 1 for e in emails if e != unknown}


def test_too_many_hard_bounces_pause_the_campaign_and_email_its_author(sending, smtp):
    app, start_worker, _beat = sending
    emails = add_subscribers(app, 300)
    for email in emails[:150:2]:
        smtp.recorder.reply_for[email] = "550 5.1.1 No such user"
    campaign_id = add_campaign(app)
    start_worker()
    kick(app, campaign_id)
    wait_for_status(app, campaign_id, CampaignStatus.PAUSED)
    (notice,) = smtp.recorder.wait_for(1, to="viestinta@example.fi", timeout=30)
    assert notice["Subject"].endswith("Uutiskirje")  # names the campaign, in any language
    wait_until(lambda: not sending_rows(app, campaign_id), timeout=30, message="lanes stopped")
    rows = deliveries(app, campaign_id)
    assert any(s == DeliveryStatus.QUEUED for s, _ in rows.values()), "it stopped before the end"
    with app.app_context():
        reason = notify_db.session.get(Campaign, campaign_id).pause_reason
    assert reason


def test_beat_starts_a_scheduled_campaign_from_the_database(sending, smtp):
    app, start_worker, start_beat = sending
    emails = add_subscribers(app, 50)
    campaign_id = add_campaign(app, status=CampaignStatus.SCHEDULED)
    with app.app_context():
        notify_db.session.execute(sa.update(Campaign).where(Campaign.id == campaign_id).values(
            scheduled_at=utcnow() + dt.timedelta(seconds=3)))
        notify_db.session.commit()
    start_worker()
    start_beat()  # nobody kicks it: beat's tick finds it due
    wait_for_status(app, campaign_id, CampaignStatus.SENT, timeout=60)
    with app.app_context():
        started = notify_db.session.get(Campaign, campaign_id).started_at
        scheduled = notify_db.session.get(Campaign, campaign_id).scheduled_at
    assert started >= scheduled
    assert smtp.recorder.counts() == {e: 1 for e in emails}
