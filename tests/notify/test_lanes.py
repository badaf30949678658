"""A dead lane's claim goes back to the queue when its lease ends, whoever looks (notify.lanes).

The lanes run here one batch at a time against a real SMTP server; a "dead lane" is a claim made
and never refreshed. tests/reliability/test_newsletter_recovery.py kills a real one.
"""

import datetime as dt

import pytest
import sqlalchemy as sa

from services.notify import delivery, lanes
from services.notify.models import Campaign, CampaignStatus, Delivery, DeliveryStatus, db
from shared.db import utcnow
from tests.notify.newsletters import add_campaign, add_subscribers, deliveries, drain

LEASE = 30.0


@pytest.fixture
def lease_app(make_app, smtp):
    """The notify app with a 30 s lease, batches of 10 and two lanes, sending over SMTP."""
    return make_app("notify", MAIL_BACKEND="smtp", SMTP_PORT=smtp.port, SMTP_TIMEOUT=5.0,
                    NEWSLETTER_BATCH_SIZE=10, NEWSLETTER_CONNECTIONS=2,
                    NEWSLETTER_LEASE_SECONDS=LEASE)


def dead_lane(campaign_id, limit, age):
    """A lane that claimed up to ``limit`` rows ``age`` seconds ago and died; its (token, ids)."""
    token, ids = lanes.claim(campaign_id, limit)
    age_claim(token, age)
    return token, ids


def age_claim(token, age):
    """Make ``token``'s claim ``age`` seconds old (its lane stopped refreshing it then)."""
    db.session.execute(sa.update(Delivery).where(Delivery.claim_token == token)
                       .values(claimed_at=utcnow() - dt.timedelta(seconds=age)))
    db.session.commit()


def claimed_by(token):
    """How many rows are SENDING under ``token``."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Delivery).where(
        Delivery.claim_token == token, Delivery.status == DeliveryStatus.SENDING))


def test_the_next_claim_takes_a_dead_claim_once_its_lease_ends_not_before(lease_app, smtp):
    add_subscribers(lease_app, 5)
    campaign_id = add_campaign(lease_app)
    with lease_app.app_context():
        delivery.prepare(campaign_id)
        dead, ids = dead_lane(campaign_id, 5, age=LEASE - 5)
        assert lanes.claim(campaign_id, 10)[1] == []  # still within the lease: left alone
        assert claimed_by(dead) == 5
        later = utcnow() + dt.timedelta(seconds=6)
        _token, taken = lanes.claim(campaign_id, 10, now=later)
        assert taken == ids and claimed_by(dead) == 0


def test_a_lane_at_work_takes_back_a_dead_claim_when_it_refreshes_its_own(lease_app, smtp):
    add_subscribers(lease_app, 20)
    campaign_id = add_campaign(lease_app)
    with lease_app.app_context():
        delivery.prepare(campaign_id)
        dead, dead_ids = lanes.claim(campaign_id, 10)
        token, ids = lanes.claim(campaign_id, 10)
        age_claim(dead, LEASE + 1)  # the first lane died; the second is at work
        lane = lanes.Lane(campaign_id, token)
        lane.beaten_at -= LEASE  # its refresh is due
        lane.deliver(ids[0])
        lane.close()
        assert claimed_by(dead) == 0
        assert claimed_by(token) == 9, "its own claim is kept"
        queued = db.session.scalars(sa.select(Delivery.id).where(
            Delivery.status == DeliveryStatus.QUEUED).order_by(Delivery.id)).all()
        assert queued == dead_ids


def test_a_lane_with_nothing_to_claim_waits_for_the_first_lease_to_end(lease_app, smtp):
    add_subscribers(lease_app, 5)
    campaign_id = add_campaign(lease_app)
    with lease_app.app_context():
        delivery.prepare(campaign_id)
        dead_lane(campaign_id, 5, age=20)
        now = db.session.scalar(sa.select(sa.func.min(Delivery.claimed_at))) + dt.timedelta(
            seconds=20)
        step, seconds = lanes.next_step(campaign_id, now=now)
        assert step == "retry_in"
        assert seconds == pytest.approx(LEASE - 20 + lanes.LEASE_MARGIN)
        assert delivery.stalled() == [], "the waiting lane beats the campaign's heartbeat"


def test_a_waiting_lane_looks_again_at_least_every_half_lease(lease_app, smtp):
    add_subscribers(lease_app, 5)
    campaign_id = add_campaign(lease_app)
    with lease_app.app_context():
        delivery.prepare(campaign_id)
        lanes.claim(campaign_id, 5)  # a live lane's fresh claim: its lease ends in 30 s
        assert lanes.next_step(campaign_id) == ("retry_in", LEASE / 2)


def test_the_waiting_lane_sends_the_dead_lanes_rows_when_it_looks_again(lease_app, smtp):
    emails = add_subscribers(lease_app, 15)
    campaign_id = add_campaign(lease_app)
    with lease_app.app_context():
        delivery.prepare(campaign_id)
        lanes.send_batch(campaign_id)  # 10 sent
        dead, _ids = dead_lane(campaign_id, 10, age=0)  # a lane claims the last 5 and dies
        assert lanes.send_batch(campaign_id)[0] == "retry_in"  # nothing to claim: it waits
        age_claim(dead, LEASE + 1)  # ... until the lease ends
        assert lanes.send_batch(campaign_id) == ("again", 0.0)
        assert lanes.send_batch(campaign_id) == ("done", 0.0)
    assert smtp.recorder.counts() == {e: 1 for e in emails}
    assert {s for s, _ in deliveries(lease_app, campaign_id).values()} == {DeliveryStatus.SENT}


def test_a_finished_campaign_ends_its_lanes(lease_app, smtp):
    add_subscribers(lease_app, 3)
    campaign_id = add_campaign(lease_app)
    assert drain(lease_app, campaign_id) == CampaignStatus.SENT
    with lease_app.app_context():
        assert lanes.send_batch(campaign_id) == ("stopped", 0.0)
        assert db.session.get(Campaign, campaign_id).finished_at is not None
