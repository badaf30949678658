"""Delivering a published memo: the PDF attached and a link, to every recipient once.

``memo.published`` names the recipients (the county's boards, the regional government, the
forum's presenters) and the publication's PDF address. notify never reads memo's tables: it
fetches the PDF over HTTP from memo's public URL (:func:`fetch_pdf`; an unanswered request
makes the task retry). Each recipient's copy is a transactional email of its own, recorded and
claimed through :mod:`.sending`, so it is sent at most once per (message, recipient) whatever
the retries. Every copy that reached a final state (sent, failed) is reported back to memo once
as ``memo.delivered``: the report's message id is derived from (message, recipient), and the
outbox keeps each id once.
"""

import base64
import logging
import urllib.error
import urllib.request
import uuid

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from services.notify import sending
from services.notify.models import EmailStatus, OutboxMessage, OutgoingEmail, db
from shared.contracts import events
from shared.mail import TransientFailure
from shared.outbox import emit

log = logging.getLogger(__name__)

TEMPLATE = "memo_published"
TIMEOUT_SECONDS = 10.0
#: the PDF's largest accepted size (a 100-page memo is well under 2 MiB)
MAX_PDF_BYTES = 20 * 1024 * 1024
#: the namespace of the ``memo.delivered`` reports' message ids
REPORT_NAMESPACE = uuid.UUID("6f0f3c59-5d8e-4d0b-9a43-2f4f7c1e8a10")
FINAL = {EmailStatus.SENT: "sent", EmailStatus.FAILED: "failed"}


class PdfUnavailable(Exception):
    """memo's PDF address did not answer with a PDF: try the delivery again later."""


def fetch_pdf(url):
    """The publication's PDF bytes from memo's public URL; raises PdfUnavailable."""
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310 - memo's own URL
            content = response.read(MAX_PDF_BYTES + 1)
    except (OSError, urllib.error.URLError, ValueError) as exc:
        raise PdfUnavailable(f"{url}: {exc}") from exc
    if not content.startswith(b"%PDF-") or len(content) > MAX_PDF_BYTES:
        raise PdfUnavailable(f"{url}: not a PDF of an accepted size")
    return content


def pdf_filename(data):
    """The attachment's name, e.g. ``muistio-3-2.pdf``."""
    return f"muistio-{data['memo_id']}-{data['publication_id'] or 0}.pdf"


def email_of(data, recipient, attachment):
    """The transactional email (what :func:`sending.take` reads) of one recipient's copy."""
    return {
        "message_id": data["message_id"], "to": recipient["email"], "to_name": recipient["name"],
        "locale": data.get("locale") or current_app.config["DEFAULT_LOCALE"], "template": TEMPLATE,
        "context": {"name": recipient["name"], "event_title": data["title"], "kind": data["kind"],
                    "memo_url": data["url"], "pdf_url": data.get("pdf_url") or "",
                    "published_at": data["published_at"].isoformat()},
        "attachments": [attachment] if attachment else [],
    }


def attachment_of(data, content):
    """The PDF as a contract attachment."""
    return {"filename": pdf_filename(data), "content_type": "application/pdf",
            "content_base64": base64.b64encode(content).decode("ascii")}


def deliver(data, content):
    """Send each recipient's copy that is due; returns how many asked for a retry (4xx)."""
    attachment = attachment_of(data, content) if content is not None else None
    retry = 0
    for recipient in data["recipients"]:
        claimed = sending.take(email_of(data, recipient, attachment))
        if claimed is None:
            continue  # sent, failed, or being sent by another delivery of this message
        try:
            sending.send(claimed)
        except TransientFailure:
            retry += 1
    return retry


def _report_id(message_id, email):
    """The ``memo.delivered`` message id of one (message, recipient)."""
    return str(uuid.uuid5(REPORT_NAMESPACE, f"{message_id}:{email.strip().lower()}"))


def report(data):
    """Write ``memo.delivered`` for each copy in a final state not reported yet; commits.

    A concurrent delivery of the same message may write the same report first: the outbox's
    unique message id refuses the second, and the reports are written again without it.
    Returns how many reports this call wrote.
    """
    if data.get("publication_id") is None:
        return 0
    try:
        return _write_reports(data)
    except IntegrityError:
        db.session.rollback()
        return _write_reports(data)


def _write_reports(data):
    """Emit the missing reports of the message's final copies and commit; how many."""
    rows = db.session.execute(sa.select(OutgoingEmail.recipient, OutgoingEmail.status,
                                        OutgoingEmail.last_error).where(
        OutgoingEmail.message_id == str(data["message_id"]),
        OutgoingEmail.status.in_(list(FINAL)))).all()
    written = sum(_report_once(data, row) for row in rows)
    db.session.commit()
    return written


def _report_once(data, row):
    """Write one recipient's report unless it is in the outbox already; 1 if written.

    No savepoint here: the outbox publishes a session's rows right after its commit, and a
    released savepoint counts as one.
    """
    report_id = _report_id(data["message_id"], row.recipient)
    if db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.message_id == report_id)):
        return 0
    emit(db.session, OutboxMessage, events.MEMO_DELIVERED, message_id=report_id,
         memo_id=data["memo_id"], publication_id=data["publication_id"], email=row.recipient,
         status=FINAL[row.status], error=(row.last_error or "")[:2000])
    return 1
