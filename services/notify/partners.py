"""A forum's announcement to its series' communication partners, and its newsletter segment.

The series (``event.published``'s ``series``) names the partners the policy lists: the regional
entrepreneurs' association, the chamber of commerce, the municipalities, the regional council.
Each gets the forum's announcement by email once per (forum, partner), however often the forum
is announced again (agenda changes, the recording): the email's message id is derived from the
pair, written to notify's own outbox only if it is not there yet, and ``notify.send_email``
sends it at most once per (message, recipient). A forum that has started is not announced to
them any more. Partners have no language of their own; they get the county's default language.
Flush only.
"""

import uuid

import sqlalchemy as sa
from flask import current_app

from services.notify import interests
from services.notify.models import OutboxMessage, db
from shared.contracts import notify
from shared.db import utcnow
from shared.outbox import emit

TEMPLATE = "forum_announced_partner"
#: the namespace of the partner announcements' message ids
NAMESPACE = uuid.UUID("3d0c8b7e-5a41-4f6e-9c2d-8e1b7a6f4c53")


def message_id(event_id, email):
    """The message id of forum ``event_id``'s announcement to ``email`` (the same every time)."""
    return str(uuid.uuid5(NAMESPACE, f"forum-partner:{event_id}:{email.strip().lower()}"))


def _context(data, partner):
    """What the partner's email says: the forum, its series and its agenda's titles."""
    agenda = sorted(data.get("agenda") or [], key=lambda item: item["position"])
    return {"name": partner.get("name") or "", "event_id": data["event_id"],
            "event_title": data["title"], "series_name": data["series"]["name"],
            "starts_at": data["starts_at"].isoformat(), "ends_at": data["ends_at"].isoformat(),
            "event_url": data["url"], "agenda": [item["title"] for item in agenda]}


def announce(data, now=None):
    """Write the announcement to each partner not yet told of this forum; returns how many.

    A forum that has already started is not announced (``announce-again`` repeats old ones).
    """
    series = data.get("series") or {}
    if data["starts_at"] <= (now or utcnow()):
        return 0
    written, seen = 0, set()
    for partner in series.get("partners") or ():
        email = partner["email"].strip().lower()
        key = message_id(data["event_id"], email)
        if email in seen or db.session.scalar(
                sa.select(OutboxMessage.id).where(OutboxMessage.message_id == key)):
            continue
        seen.add(email)
        emit(db.session, OutboxMessage, notify.SEND_EMAIL, message_id=key, to=email,
             to_name=partner.get("name") or "", locale=current_app.config["DEFAULT_LOCALE"],
             template=TEMPLATE, context=_context(data, partner))
        written += 1
    return written


def segment_of(data):
    """The newsletter segment of the forum's series as the composer's dimensions
    (``{"themes": ["budget"]}``); ``{}`` (everyone) without a series, segment or known code."""
    code = (data.get("series") or {}).get("newsletter_segment") or ""
    for dimension, codes in interests.DIMENSIONS.items():
        if code in codes:
            return {dimension: [code]}
    return {}
