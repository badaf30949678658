"""Figure 6, the suite's side: a newsletter campaign sent by notify's own Celery tasks.

Subscribers are seeded straight into notify's database (confirmed, no segment). The campaign is
made and requested through ``services.notify.campaigns`` and started the way beat starts it
(the ``notify.tick_campaigns`` task); its lanes (``notify.send_batch``) run in the run's notify
worker and send to the counting sink. The clock runs from the start task until the sink has
counted every message. Worker RSS (all processes of the worker) is sampled every 0.2 s. The
large campaign is only watched for ``big_watch_seconds`` (freeze and the first batches) and then
paused: sending it whole would take longer than the run may.
"""

import threading
import time

import sqlalchemy as sa

from bench.harness import cpu, smtp_sink

TICK = "notify.tick_campaigns"


def subscribers(notify_app, first, last):
    """Confirmed subscribers number ``first``..``last`` (inclusive)."""
    from services.notify.models import db

    with notify_app.app_context():
        db.session.execute(sa.text(
            "INSERT INTO subscribers (email, name, organisation, locale, industries, regions, "
            " themes, status, token, source, created_at, confirmed_at) "
            "SELECT 's' || n || '@bench.example', 'Subscriber ' || n, 'Bench Oy', 'fi', '[]', "
            " '[]', '[]', 'confirmed', md5('bench-' || n), 'bench', now(), now() "
            "FROM generate_series(CAST(:a AS integer), CAST(:b AS integer)) AS n"),
            {"a": first, "b": last})
        db.session.commit()


def campaign(notify_app, title):
    """A campaign to every confirmed subscriber, requested to go out now; returns its id."""
    from services.notify import campaigns
    from services.notify.models import db

    with notify_app.app_context():
        made = campaigns.create({"subject_fi": title, "body_fi": "Hyvä palveluntuottaja,\n\n"
                                 + "Tervetuloa **foorumiin**. " * 40}, "viestinta@bench.example")
        campaigns.request_send(made)
        db.session.commit()
        return made.id


class PeakRSS:
    """The largest total RSS of one process group seen while the block runs."""

    def __init__(self, pgid):
        self.pgid, self.peak, self._stop = pgid, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.wait(0.2):
            self.peak = max(self.peak, cpu.rss_bytes(self.pgid))

    def __enter__(self):
        self.peak = cpu.rss_bytes(self.pgid)
        self._thread.start()
        return self

    def __exit__(self, *_exc):
        self._stop.set()
        self._thread.join(timeout=5)


def send(run, notify_app, count, watch=None):
    """Send a campaign to ``count`` subscribers; returns {"messages", "seconds", "rss_mib"}.

    With ``watch`` seconds, stop watching then, cancel the campaign and report what was sent.
    """
    from shared.celery import celery_app

    campaign_id = campaign(notify_app, f"Bench newsletter to {count:,}")
    before = smtp_sink.read_count(run.suite.count_file)
    timeout = watch or run.mode["campaign_timeout"]
    with PeakRSS(run.processes.groups()["worker-notify"]) as rss:
        begin = time.monotonic()
        celery_app.send_task(TICK)
        counted = smtp_sink.wait_for_count(run.suite.count_file, before + count, timeout) - before
        seconds = time.monotonic() - begin
    if counted < count:
        _pause(notify_app, campaign_id)
    return {"campaign_id": campaign_id, "subscribers": count, "messages": counted,
            "seconds": seconds, "msg_per_s": counted / seconds, "rss_mib": rss.peak / 2**20,
            "complete": counted >= count}


def _pause(notify_app, campaign_id):
    """Pause a campaign still sending (its lanes stop after the message in flight)."""
    from services.notify import campaigns
    from services.notify.models import Campaign, db

    with notify_app.app_context():
        try:
            campaigns.pause(db.session.get(Campaign, campaign_id), "bench: watched long enough")
        except campaigns.CampaignError:  # it finished in the meantime: nothing to stop
            db.session.rollback()
            return
        db.session.commit()
