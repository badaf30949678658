"""Celery tasks of the notify service and its periodic schedule.

* ``notify.send_email`` and ``notify.request_subscription`` receive the contracts' messages.
* ``notify.run_campaign`` freezes a campaign's recipients and starts its sending lanes;
  ``notify.send_batch`` is one lane's batch, queueing the lane's next batch itself.
* ``notify.announce_event`` receives ``event.published``: the forum's feed item and plan row;
  ``notify.follow_event_change`` receives ``event.changed``: they follow the new time, or are
  withdrawn for a targeted session; ``notify.withdraw_cancelled_forum`` receives
  ``event.cancelled``: the feed item says it is cancelled and the plan row shows it;
  ``notify.announce_memo`` receives ``memo.published``: a feed item (the milestone is registration's).
* ``notify.deliver_memo`` receives ``memo.published`` too: the memo's PDF and link to each of its
  recipients, once per (message, recipient), each reported back as ``memo.delivered``.
* ``notify.send_follow_up_update`` receives ``memo.follow_up_updated``: the updated follow-up to
  each recipient the publication was delivered to, once per (message, recipient).
* ``notify.tick_campaigns`` runs from beat: it starts campaigns whose scheduled time has come and
  revives campaigns whose lanes stopped (a killed worker). Schedules live in the database, never
  as broker ETAs.
"""

import logging

from sqlalchemy.exc import OperationalError

from services.notify import (
    announcements,
    delivery,
    forum_changes,
    lanes,
    memo_delivery,
    memo_follow_up,
    sending,
    subscribers,
)
from services.notify.models import OutboxMessage, ProcessedMessage, SubscriptionRequest, db
from shared import outbox
from shared.celery import celery_app, periodic
from shared.contracts import SCHEMAS, events, notify
from shared.mail import TransientFailure

log = logging.getLogger(__name__)

relay_outbox = outbox.relay_task("notify", db, OutboxMessage)
RELAY_OUTBOX = relay_outbox.name

RUN_CAMPAIGN = "notify.run_campaign"
SEND_BATCH = "notify.send_batch"
TICK_CAMPAIGNS = "notify.tick_campaigns"
ANNOUNCE_EVENT = "notify.announce_event"
ANNOUNCE_MEMO = "notify.announce_memo"
FOLLOW_EVENT_CHANGE = "notify.follow_event_change"
WITHDRAW_CANCELLED_FORUM = "notify.withdraw_cancelled_forum"
DELIVER_MEMO = "notify.deliver_memo"
SEND_FOLLOW_UP_UPDATE = "notify.send_follow_up_update"
periodic(TICK_CAMPAIGNS, seconds_setting="NEWSLETTER_TICK_SECONDS")

#: how often a task waits for a database that is away (about 8 hours with the backoff)
DB_MAX_RETRIES = 50


def retry_delay(retries):
    """Seconds before the next try after ``retries`` retries: 5, 10, 20, ... at most 10 minutes."""
    return min(2**retries * 5, 600)


@celery_app.task(name=notify.SEND_EMAIL, bind=True, max_retries=None)
def send_email(self, payload):
    """Render, record and send one email; at most one copy per (message, recipient).

    An invalid payload raises ValidationError and stores nothing. A redelivered message sends
    nothing again. A 4xx or dropped connection is retried with exponential backoff; the row
    turns FAILED after MAIL_MAX_RETRIES attempts (see ``sending.send``). A database that is
    away is waited for (DB_MAX_RETRIES retries with the same backoff).
    """
    data = SCHEMAS[notify.SEND_EMAIL]().load(payload)
    try:
        return _record_and_send(data)
    except TransientFailure as exc:
        raise self.retry(countdown=retry_delay(self.request.retries), exc=exc) from exc
    except OperationalError as exc:
        db.session.rollback()
        raise self.retry(countdown=retry_delay(self.request.retries), exc=exc,
                         max_retries=DB_MAX_RETRIES) from exc


def _record_and_send(data):
    """Record the email, and send it if this delivery claims it; the outcome or None."""
    claimed = sending.take(data)
    if claimed is None:
        return None
    return str(sending.send(claimed))


@celery_app.task(name=notify.REQUEST_SUBSCRIPTION, autoretry_for=(OperationalError,),
                 max_retries=DB_MAX_RETRIES, retry_backoff=5, retry_backoff_max=600,
                 retry_jitter=False)
def request_subscription(payload):
    """Keep a newsletter request for the double opt-in (once per message).

    A database that is away is waited for, with backoff.
    """
    _store_request(payload)


@outbox.consumer(db, ProcessedMessage, notify.REQUEST_SUBSCRIPTION)
def _store_request(data):
    """Store the request and start the double opt-in, in the consumer's transaction."""
    email = data["email"].strip().lower()
    db.session.add(SubscriptionRequest(
        email=email, name=data["name"], organisation=data["organisation"],
        locale=data["locale"], source=data["source"],
    ))
    subscribers.request({"email": email, "name": data["name"],
                         "organisation": data["organisation"], "locale": data["locale"]},
                        data["source"] or "message")


@celery_app.task(name=RUN_CAMPAIGN)
def run_campaign(campaign_id):
    """Freeze the recipients, recover dead claims, start the lanes; returns how many lanes."""
    count = delivery.prepare(campaign_id)
    for _ in range(count):
        send_batch.delay(campaign_id)
    return count


@celery_app.task(name=SEND_BATCH, bind=True)
def send_batch(self, campaign_id):
    """Send one batch of a campaign over one SMTP connection, then queue the lane's next one."""
    step, seconds = lanes.send_batch(campaign_id)
    if step == "again":
        send_batch.delay(campaign_id)
    elif step == "retry_in":
        send_batch.apply_async((campaign_id,), countdown=seconds)
    return step


@celery_app.task(name=TICK_CAMPAIGNS)
def tick_campaigns():
    """Start due campaigns and revive stalled ones; returns the ids it ran."""
    ids = sorted(set(delivery.start_due()) | set(delivery.stalled()))
    for campaign_id in ids:
        run_campaign.delay(campaign_id)
    return ids


def kick(campaign_id):
    """Start a campaign's sending now (best effort: beat's tick does it if the broker is away)."""
    try:
        run_campaign.delay(campaign_id)
    except Exception:  # noqa: BLE001 - the campaign is in the database; the tick picks it up
        log.warning("notify: could not queue campaign %s; beat's tick will start it", campaign_id)


@celery_app.task(name=ANNOUNCE_EVENT, autoretry_for=(OperationalError,),
                 max_retries=DB_MAX_RETRIES, retry_backoff=5, retry_backoff_max=600,
                 retry_jitter=False)
@outbox.consumer(db, ProcessedMessage, events.EVENT_PUBLISHED)
def announce_event(data):
    """A published forum becomes a feed item, a draft block and a row of the plan (once per message)."""
    announcement = announcements.announce_event(data)
    return announcement.id if announcement is not None else None


@celery_app.task(name=FOLLOW_EVENT_CHANGE, autoretry_for=(OperationalError,),
                 max_retries=DB_MAX_RETRIES, retry_backoff=5, retry_backoff_max=600,
                 retry_jitter=False)
@outbox.consumer(db, ProcessedMessage, events.EVENT_CHANGED)
def follow_event_change(data):
    """A changed forum's plan row and feed item follow it, or are withdrawn if it became a
    targeted session (once per message). Returns the forum's id, or None when ignored."""
    forum = forum_changes.follow(data)
    return forum.id if forum is not None else None


@celery_app.task(name=WITHDRAW_CANCELLED_FORUM, autoretry_for=(OperationalError,),
                 max_retries=DB_MAX_RETRIES, retry_backoff=5, retry_backoff_max=600,
                 retry_jitter=False)
@outbox.consumer(db, ProcessedMessage, events.EVENT_CANCELLED)
def withdraw_cancelled_forum(data):
    """A cancelled forum's feed item says so and its plan row shows it cancelled (once per
    message). Returns the forum's id, or None for a targeted session."""
    forum = forum_changes.cancel(data)
    return forum.id if forum is not None else None


@celery_app.task(name=ANNOUNCE_MEMO, autoretry_for=(OperationalError,),
                 max_retries=DB_MAX_RETRIES, retry_backoff=5, retry_backoff_max=600,
                 retry_jitter=False)
@outbox.consumer(db, ProcessedMessage, events.MEMO_PUBLISHED)
def announce_memo(data):
    """A published memo becomes a feed item (once); registration records its milestone."""
    return announcements.announce_memo(data).id


@celery_app.task(name=DELIVER_MEMO, bind=True, max_retries=DB_MAX_RETRIES)
def deliver_memo(self, payload):
    """Send the published memo, its PDF attached, to each recipient once; report each copy.

    No dedupe table is needed: every copy is an ``OutgoingEmail`` (message, recipient) claimed
    before it is sent, so a redelivered or retried message sends nobody a second copy. The task
    retries with backoff while memo's PDF address does not answer (nothing is sent then), when a
    copy got a 4xx and when the database is away. Returns how many recipients the message has.
    """
    data = SCHEMAS[events.MEMO_PUBLISHED]().load(payload)
    try:
        content = memo_delivery.fetch_pdf(data["pdf_url"]) if data.get("pdf_url") else None
        retry = memo_delivery.deliver(data, content)
        memo_delivery.report(data)
    except memo_delivery.PdfUnavailable as exc:
        log.warning("notify: memo %s not delivered yet: %s", data["memo_id"], exc)
        raise self.retry(countdown=retry_delay(self.request.retries), exc=exc) from exc
    except OperationalError as exc:
        db.session.rollback()
        raise self.retry(countdown=retry_delay(self.request.retries), exc=exc) from exc
    if retry:
        raise self.retry(countdown=retry_delay(self.request.retries))
    return len(data["recipients"])


@celery_app.task(name=SEND_FOLLOW_UP_UPDATE, bind=True, max_retries=DB_MAX_RETRIES)
def send_follow_up_update(self, payload):
    """Email the updated follow-up to each recipient its publication was delivered to, once.

    As with ``deliver_memo``, every copy is an ``OutgoingEmail`` (message, recipient) claimed
    before it is sent, so a redelivered or retried message sends nobody a second copy. Retries
    with backoff when a copy got a 4xx and when the database is away. Returns how many
    recipients the publication has.
    """
    data = SCHEMAS[events.MEMO_FOLLOW_UP_UPDATED]().load(payload)
    try:
        retry = memo_follow_up.send(data)
    except OperationalError as exc:
        db.session.rollback()
        raise self.retry(countdown=retry_delay(self.request.retries), exc=exc) from exc
    if retry:
        raise self.retry(countdown=retry_delay(self.request.retries))
    return len(memo_follow_up.recipients(data["publication_id"]))
