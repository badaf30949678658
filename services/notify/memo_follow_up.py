"""Telling a published memo's recipients that one of its follow-ups was updated.

``memo.follow_up_updated`` names the publication, not its recipients. notify knows who that
publication reached from its own records: each copy it delivered was reported back as
``memo.delivered`` through notify's outbox (:mod:`.memo_delivery`), with the publication's id
and the status. Every recipient whose copy was sent gets the update as a transactional email of
its own, recorded and claimed through :mod:`.sending`, so at most once per (message, recipient)
whatever the redeliveries and retries.
"""

import datetime as dt

import sqlalchemy as sa
from flask import current_app

from services.notify import sending
from services.notify.models import OutboxMessage, db
from shared.contracts import events
from shared.mail import TransientFailure

TEMPLATE = "memo_follow_up"


def recipients(publication_id):
    """The addresses the publication was delivered to (sent), each once, sorted."""
    payloads = db.session.scalars(sa.select(OutboxMessage.payload).where(
        OutboxMessage.topic == events.MEMO_DELIVERED))
    return sorted({p["email"].strip().lower() for p in payloads
                   if p.get("publication_id") == publication_id and p.get("status") == "sent"})


def email_of(data, recipient):
    """The transactional email (what :func:`sending.take` reads) of one recipient's copy."""
    handled_on = data.get("handled_on")
    return {
        "message_id": data["message_id"], "to": recipient, "to_name": "",
        "locale": data.get("locale") or current_app.config["DEFAULT_LOCALE"], "template": TEMPLATE,
        "context": {"event_title": data["title"], "agenda_item_title": data["agenda_item_title"],
                    "handling_body": data["handling_body"],
                    "handled_on": handled_on.isoformat() if isinstance(handled_on, dt.date) else "",
                    "outcome": data["outcome"], "decision_url": data["decision_url"],
                    "memo_url": data["url"]},
        "attachments": [],
    }


def send(data):
    """Send each recipient's copy that is due; returns how many asked for a retry (4xx)."""
    retry = 0
    for recipient in recipients(data["publication_id"]):
        claimed = sending.take(email_of(data, recipient))
        if claimed is None:
            continue  # sent, failed, or being sent by another delivery of this message
        try:
            sending.send(claimed)
        except TransientFailure:
            retry += 1
    return retry
