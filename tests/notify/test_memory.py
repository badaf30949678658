"""Memory stays flat in the number of recipients: they are streamed by pages, never loaded whole."""

import gc
import tracemalloc

import sqlalchemy as sa

from services.notify import delivery, lanes
from services.notify.models import Campaign, Subscriber, db
from tests.notify.newsletters import add_campaign, add_subscribers

#: what 9,000 more subscribers would cost if they were loaded at once is far above this
FLAT_BYTES = 1_500_000


def peak_while(fn):
    """The peak of Python allocations while ``fn()`` runs, in bytes."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def freeze_and_one_batch(app, campaign_id):
    """Freeze a campaign's recipients and send its first batch, in a fresh context."""
    with app.app_context():
        delivery.freeze(db.session.get(Campaign, campaign_id))
        lanes.send_batch(campaign_id)


def test_freezing_and_sending_use_the_same_memory_for_1000_and_10000(make_app):
    app = make_app("notify", NEWSLETTER_BATCH_SIZE=50)
    add_subscribers(app, 1000, prefix="small")
    small = add_campaign(app, segment={})
    small_peak = peak_while(lambda: freeze_and_one_batch(app, small))
    add_subscribers(app, 9000, prefix="large")
    large = add_campaign(app, segment={})
    large_peak = peak_while(lambda: freeze_and_one_batch(app, large))
    print(f"\npeak while freezing + one batch: {small_peak / 1e6:.2f} MB for 1,000 recipients, "
          f"{large_peak / 1e6:.2f} MB for 10,000")
    assert large_peak - small_peak < FLAT_BYTES


def test_control_loading_10000_subscribers_at_once_would_show(make_app):
    """The control: the threshold above is one that loading everyone at once passes by far."""
    app = make_app("notify")
    add_subscribers(app, 10_000)

    def load_all():
        with app.app_context():
            return len(db.session.scalars(sa.select(Subscriber)).all())

    assert peak_while(load_all) > 4 * FLAT_BYTES
