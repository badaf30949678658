"""Sending a campaign, the lanes' side: claim a batch, send it over one connection, record each.

What holds (the campaign's side is :mod:`delivery`):

* **Lanes.** ``NEWSLETTER_CONNECTIONS`` lanes run at once, each a chain of ``notify.send_batch``
  tasks holding one SMTP connection. A lane claims up to ``NEWSLETTER_BATCH_SIZE`` due rows in one
  statement (QUEUED, or RETRYING whose time has come -> SENDING with the lane's claim token; SKIP
  LOCKED on PostgreSQL), sends them one by one and queues its next batch.
* **Committed right after the 250.** Each row turns SENT in its own commit as soon as the server
  accepted it, so a crash leaves at most the message in flight per lane sent-but-SENDING. A
  message costs two short transactions (the fresh read, the outcome), both plain statements;
  its bytes come from the lane's :class:`~services.notify.rendering.Renderer`, which renders each
  language once per batch.
* **Leases.** A lane refreshes its claim every few seconds, so only a dead lane's claim outlives
  ``NEWSLETTER_LEASE_SECONDS`` (which must exceed the longest SMTP conversation, ``SMTP_TIMEOUT``).
  Such rows go back to the queue as soon as the lease ends, whoever looks first: every lane at
  work looks each time it refreshes its own claim, every claim looks first, and a lane with
  nothing left to claim while rows are still SENDING waits until the earliest of their leases
  ends and looks then (beating the campaign's heartbeat, so beat's tick starts no extra lanes).
  Beat's tick is the fallback when no lane is left: it revives a campaign whose heartbeat stopped.
* **Who gets it.** Just before each message the subscriber is read again: unsubscribed or
  suppressed means SUPPRESSED, never sent. A paused campaign's lanes hand back their unsent rows.
* **Failures.** A 4xx (or a dropped connection) is RETRYING with a doubling backoff until
  ``NEWSLETTER_MAX_ATTEMPTS``, then FAILED; a 5xx is BOUNCED and the address suppressed. Past
  ``NEWSLETTER_ERROR_RATE_PAUSE`` of failed attempts since the last resume the campaign pauses
  itself and its author is emailed.
"""

import datetime as dt
import time
import uuid

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale, gettext

from services.notify import emails, rendering, subscribers
from services.notify.delivery import beat, finish_if_done, recover, setting
from services.notify.models import (
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
    EmailStatus,
    OutgoingEmail,
    Subscriber,
    SubscriberStatus,
    db,
)
from shared.db import utcnow
from shared.mail import PermanentFailure, SMTPConnection, TransientFailure, envelope_sender

FAILED_ATTEMPTS = (DeliveryStatus.BOUNCED, DeliveryStatus.FAILED, DeliveryStatus.RETRYING)
ATTEMPTED = (DeliveryStatus.SENT, *FAILED_ATTEMPTS)
#: how often a lane at work records its heartbeat on the campaign (seconds)
BEAT_EVERY_SECONDS = 2.0
#: the longest a lane with nothing to claim waits before it looks again (seconds)
MAX_RETRY_COUNTDOWN = 60.0
#: the shortest wait of a lane with nothing to claim yet (seconds)
MIN_COUNTDOWN = 0.2
#: how long after a lease ends a waiting lane looks, so the claim is surely over (seconds)
LEASE_MARGIN = 0.25


#: a claimed row, its subscriber and the campaign's status, read just before each message
CURRENT = (
    sa.select(Delivery.id, Delivery.status, Delivery.claim_token, Delivery.attempts,
              Subscriber.id.label("subscriber_id"), Subscriber.email, Subscriber.name,
              Subscriber.locale, Subscriber.token, Subscriber.status.label("subscriber_status"),
              Subscriber.suppressed_at, Campaign.status.label("campaign_status"))
    .join(Subscriber, Subscriber.id == Delivery.subscriber_id)
    .join(Campaign, Campaign.id == Delivery.campaign_id)
    .where(Delivery.id == sa.bindparam("delivery_id")))
#: one row's outcome (statements made once: a message pays only for executing them)
RECORD = (
    sa.update(Delivery).where(Delivery.id == sa.bindparam("delivery_id"))
    .values(status=sa.bindparam("new_status"), last_error=sa.bindparam("error"),
            claim_token=None, retry_at=sa.bindparam("retry_at_"),
            sent_at=sa.func.coalesce(sa.bindparam("sent_at_", type_=Delivery.sent_at.type),
                                     Delivery.sent_at))
    .execution_options(synchronize_session=False))


class Stop(Exception):
    """The campaign is no longer SENDING: the lane hands back its rows and ends."""


def claim(campaign_id, limit, now=None):
    """Claim up to ``limit`` due rows for a new lane token; returns (token, [delivery ids]).

    Rows whose claim outlived the lease (a dead lane's) are taken back first, so they are due too.
    """
    now = now or utcnow()
    recover(campaign_id, now)
    token = uuid.uuid4().hex
    due = sa.select(Delivery.id).where(
        Delivery.campaign_id == campaign_id,
        sa.or_(Delivery.status == DeliveryStatus.QUEUED,
               sa.and_(Delivery.status == DeliveryStatus.RETRYING, Delivery.retry_at <= now)),
    ).order_by(Delivery.id).limit(limit)
    if db.is_postgresql():
        due = due.with_for_update(skip_locked=True)
    db.session.execute(
        sa.update(Delivery)
        .where(Delivery.id.in_(due.scalar_subquery()),
               Delivery.status.in_([DeliveryStatus.QUEUED, DeliveryStatus.RETRYING]))
        .values(status=DeliveryStatus.SENDING, claim_token=token, claimed_at=now,
                attempts=Delivery.attempts + 1)
        .execution_options(synchronize_session=False))
    db.session.commit()
    ids = db.session.scalars(sa.select(Delivery.id).where(Delivery.claim_token == token)
                             .order_by(Delivery.id)).all()
    return token, ids


def release(token):
    """Hand a lane's unsent rows back (QUEUED, attempt not counted); committed."""
    db.session.execute(
        sa.update(Delivery).where(Delivery.claim_token == token,
                                  Delivery.status == DeliveryStatus.SENDING)
        .values(status=DeliveryStatus.QUEUED, claim_token=None, claimed_at=None,
                attempts=Delivery.attempts - 1)
        .execution_options(synchronize_session=False))
    db.session.commit()


def next_step(campaign_id, now=None):
    """What a lane with nothing to claim does: ("done", 0) or ("retry_in", seconds).

    While rows are open the lane stays: it looks again when the first retry is due or the first
    claim's lease ends (a dead lane's rows are then due), and at least every half lease, beating
    the campaign's heartbeat each time, so beat's tick never takes a waiting lane for a dead one.
    """
    if finish_if_done(campaign_id):
        return "done", 0.0
    now = now or utcnow()
    lease = float(setting("LEASE_SECONDS"))
    wake_at = _first_due(campaign_id, lease)
    beat(campaign_id)  # a waiting lane is alive: beat's tick starts no others
    db.session.commit()
    if wake_at is None:  # QUEUED rows another lane is claiming right now (SKIP LOCKED)
        return "retry_in", MIN_COUNTDOWN
    seconds = (wake_at - now).total_seconds() + LEASE_MARGIN
    return "retry_in", min(max(seconds, MIN_COUNTDOWN), MAX_RETRY_COUNTDOWN, lease / 2)


def _first_due(campaign_id, lease):
    """When a row of the campaign is next due: its first retry, or its first claim's lease end."""
    first_retry, first_claim = db.session.execute(sa.select(
        sa.func.min(Delivery.retry_at).filter(Delivery.status == DeliveryStatus.RETRYING),
        sa.func.min(Delivery.claimed_at).filter(Delivery.status == DeliveryStatus.SENDING))
        .where(Delivery.campaign_id == campaign_id,
               Delivery.status.in_([DeliveryStatus.RETRYING, DeliveryStatus.SENDING]))).one()
    ends = first_claim + dt.timedelta(seconds=lease) if first_claim is not None else None
    return min((at for at in (first_retry, ends) if at is not None), default=None)


def send_batch(campaign_id):
    """Claim one batch and send it over one SMTP connection; returns what the lane does next.

    ("again", 0) when the lane should queue its next batch, else :func:`next_step`'s answer, or
    ("stopped", 0) when the campaign is no longer SENDING.
    """
    status = db.session.scalar(sa.select(Campaign.status).where(Campaign.id == campaign_id))
    if status != CampaignStatus.SENDING:
        return "stopped", 0.0
    token, ids = claim(campaign_id, int(setting("BATCH_SIZE")))
    if not ids:
        return next_step(campaign_id)
    lane = Lane(campaign_id, token)
    try:
        for delivery_id in ids:
            lane.deliver(delivery_id)
    except Stop:
        release(token)
        return "stopped", 0.0
    finally:
        lane.close()
    beat(campaign_id)
    db.session.commit()
    return "again", 0.0


class Lane:
    """One batch's SMTP connection, claim token and pacing."""

    def __init__(self, campaign_id, token):
        self.campaign_id = campaign_id
        self.token = token
        self.settings = current_app.config
        self.devmailbox = self.settings["MAIL_BACKEND"] == "devmailbox"
        self.connection = None if self.devmailbox else SMTPConnection(self.settings)
        rate = float(setting("RATE_PER_SECOND"))
        self.interval = int(setting("CONNECTIONS")) / rate if rate > 0 else 0.0
        self.next_at = time.monotonic()
        self.beaten_at = time.monotonic()
        self.renderer = rendering.Renderer(db.session.get(Campaign, campaign_id))
        self.sender = envelope_sender(self.settings["MAIL_FROM"])

    def close(self):
        """Quit the SMTP connection."""
        if self.connection is not None:
            self.connection.close()

    def _keep_alive(self):
        """Every few seconds: refresh this lane's claim and the heartbeat, take back dead claims.

        Two commits: the refresh and the heartbeat first, then :func:`recover` on its own, so no
        transaction holds the campaign's row while it waits for another lane's rows.
        """
        every = min(BEAT_EVERY_SECONDS, float(setting("LEASE_SECONDS")) / 3)
        if time.monotonic() - self.beaten_at < every:
            return
        now = utcnow()
        db.session.execute(
            sa.update(Delivery).where(Delivery.claim_token == self.token,
                                      Delivery.status == DeliveryStatus.SENDING)
            .values(claimed_at=now).execution_options(synchronize_session=False))
        beat(self.campaign_id)
        db.session.commit()
        recover(self.campaign_id, now)
        self.beaten_at = time.monotonic()

    def _current(self, delivery_id):
        """The row, its subscriber and the campaign's status, read fresh in one statement.

        Plain columns, not ORM objects (nothing to load into or flush from the session); the
        read is committed at once, so no transaction stays open over the SMTP conversation.
        Keeps the lane's claim alive.
        """
        self._keep_alive()
        row = db.session.execute(CURRENT, {"delivery_id": delivery_id}).one()
        db.session.commit()
        return row

    def deliver(self, delivery_id):
        """Send one claimed row unless it was taken back, or its subscriber left; raises Stop."""
        self._pace()  # before the fresh read: nothing but SMTP between the read and the send
        row = self._current(delivery_id)
        if row.campaign_status != CampaignStatus.SENDING:
            raise Stop(self.campaign_id)
        if row.status != DeliveryStatus.SENDING or row.claim_token != self.token:
            return  # taken back after the lease (this lane stalled) and maybe claimed again
        if row.subscriber_status != SubscriberStatus.CONFIRMED or row.suppressed_at:
            return self._record(row.id, DeliveryStatus.SUPPRESSED)
        message = self.renderer.message(row)
        try:
            self._send(message, row.email)
        except PermanentFailure as exc:
            subscribers.suppress(row.subscriber_id, f"bounce: {exc}")
            self._record(row.id, DeliveryStatus.BOUNCED, str(exc))
            return self._check_error_rate()
        except TransientFailure as exc:
            self._retry_later(row, str(exc))
            return self._check_error_rate()
        self._record(row.id, DeliveryStatus.SENT)

    def _pace(self):
        """Keep this lane at its share of NEWSLETTER_RATE_PER_SECOND."""
        if self.interval:
            wait = self.next_at - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            self.next_at = max(self.next_at, time.monotonic()) + self.interval

    def _send(self, message, email):
        """Hand the message's bytes to SMTP, or keep them for the dev mailbox."""
        if self.devmailbox:
            db.session.add(OutgoingEmail(
                message_id=str(uuid.uuid5(uuid.NAMESPACE_URL, f"campaign:{self.campaign_id}")),
                recipient=email, template="newsletter", locale=message.lang,
                subject=message.subject, mime=message.data, status=EmailStatus.SENT,
                attempts=1, sent_at=utcnow()))
            return
        self.connection.send(message.data, email, self.sender)

    def _record(self, delivery_id, status, error=None, retry_at=None):
        """Record the outcome of one row and commit it at once (right after the 250)."""
        db.session.execute(RECORD, {
            "delivery_id": delivery_id, "new_status": status, "error": error,
            "retry_at_": retry_at, "sent_at_": utcnow() if status == DeliveryStatus.SENT else None})
        db.session.commit()

    def _retry_later(self, row, error):
        """A 4xx: RETRYING with a doubling backoff, or FAILED once the attempts are used up."""
        if row.attempts >= int(setting("MAX_ATTEMPTS")):
            return self._record(row.id, DeliveryStatus.FAILED, error)
        delay = float(setting("RETRY_SECONDS")) * 2 ** (row.attempts - 1)
        self._record(row.id, DeliveryStatus.RETRYING, error,
                     retry_at=utcnow() + dt.timedelta(seconds=delay))

    def _check_error_rate(self):
        """Pause the campaign (and tell its author) once failures pass the threshold.

        Only the attempts since the campaign was last resumed count, so a resumed campaign is
        judged on what happens after the fix, not on the failures that paused it.
        """
        since = db.session.scalar(sa.select(sa.func.coalesce(
            Campaign.resumed_at, Campaign.started_at)).where(Campaign.id == self.campaign_id))
        query = (sa.select(Delivery.status, sa.func.count())
                 .where(Delivery.campaign_id == self.campaign_id, Delivery.status.in_(ATTEMPTED))
                 .group_by(Delivery.status))
        if since is not None:
            query = query.where(Delivery.claimed_at >= since)
        counts = dict(db.session.execute(query).all())
        attempted = sum(counts.values())
        failed = sum(counts.get(s, 0) for s in FAILED_ATTEMPTS)
        if attempted < int(setting("ERROR_RATE_MIN_ATTEMPTS")):
            return
        if failed / attempted <= float(setting("ERROR_RATE_PAUSE")):
            return
        auto_pause(self.campaign_id, failed, attempted)
        raise Stop(self.campaign_id)


def auto_pause(campaign_id, failed, attempted):
    """Pause a SENDING campaign for its error rate and email its author (committed)."""
    with force_locale(current_app.config["DEFAULT_LOCALE"]):
        reason = gettext("%(failed)s of %(attempted)s deliveries failed, more than the "
                         "threshold of %(percent)s %%.", failed=failed, attempted=attempted,
                         percent=round(float(setting("ERROR_RATE_PAUSE")) * 100))
    result = db.session.execute(
        sa.update(Campaign).where(Campaign.id == campaign_id,
                                  Campaign.status == CampaignStatus.SENDING)
        .values(status=CampaignStatus.PAUSED, pause_reason=reason)
        .execution_options(synchronize_session=False))
    if result.rowcount == 1:
        campaign = db.session.get(Campaign, campaign_id, populate_existing=True)
        emails.campaign_paused(campaign, reason, rendering.staff_campaign_url(campaign_id))
    db.session.commit()
