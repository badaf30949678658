"""Sending transactional email: render once, record and claim, send, record the outcome.

Guarantees (rule 3 of the house): one ``OutgoingEmail`` row per (message, recipient); a row is
claimed (QUEUED/RETRYING -> SENDING) and committed before the SMTP conversation and marked SENT
right after the 250 reply, so a redelivered task never sends a second copy. The task's path,
:func:`take` then :func:`send`, is two short transactions per email: the row is inserted already
claimed (``ON CONFLICT DO NOTHING``: a redelivery finds it and claims it only if it is due), and
the stored bytes go to SMTP as they are, without reading the row back or parsing it. A crash
between the claim and the reply leaves the row SENDING and it is not sent again (at most once).
A 4xx answer or a dropped connection leaves the row RETRYING (the task retries it with backoff);
a 5xx leaves it FAILED. With ``MAIL_BACKEND=devmailbox`` the row is marked SENT without any SMTP:
the dev mailbox shows it.
"""

import base64
import binascii
from email import policy
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from marshmallow import ValidationError
from sqlalchemy.dialects import postgresql, sqlite

from services.notify.models import EmailStatus, OutgoingEmail, db
from shared.db import utcnow
from shared.mail import (
    PermanentFailure,
    TransientFailure,
    build_message,
    envelope_sender,
    render_email,
    reusable_connection,
)


class Claimed(NamedTuple):
    """A row this delivery has claimed (SENDING): what sending it needs."""

    id: int
    recipient: str
    attempts: int
    mime: bytes


def take(data):
    """Render, record and claim the email of a SendEmail payload in one commit; Claimed or None.

    A new (message_id, recipient) is inserted SENDING with its first attempt counted. One that
    exists is claimed only if it is due, QUEUED or RETRYING (None when it is sent, failed or
    being sent by someone else), and its stored message is the one sent; rendering first costs a
    redelivery a wasted render, and saves every new email a query.
    """
    recipient, message_id, subject, mime = _render(data)
    insert = postgresql.insert if db.is_postgresql() else sqlite.insert
    inserted = db.session.execute(
        insert(OutgoingEmail).values(
            message_id=message_id, recipient=recipient, template=data["template"],
            locale=data["locale"], subject=subject, mime=mime, status=EmailStatus.SENDING,
            attempts=1, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["message_id", "recipient"])
        .returning(OutgoingEmail.id)).scalar()
    if inserted is None:
        claimed = db.session.execute(
            _claiming(OutgoingEmail.message_id == message_id, OutgoingEmail.recipient == recipient)
            .returning(OutgoingEmail.id, OutgoingEmail.attempts, OutgoingEmail.mime)).one_or_none()
        db.session.commit()
        return Claimed(claimed.id, recipient, claimed.attempts, claimed.mime) if claimed else None
    db.session.commit()
    return Claimed(inserted, recipient, 1, mime)


def _claiming(*where):
    """UPDATE moving the rows ``where`` from QUEUED/RETRYING to SENDING, counting the attempt."""
    return (sa.update(OutgoingEmail)
            .where(*where, OutgoingEmail.status.in_([EmailStatus.QUEUED, EmailStatus.RETRYING]))
            .values(status=EmailStatus.SENDING, attempts=OutgoingEmail.attempts + 1)
            .execution_options(synchronize_session=False))


def _render(data):
    """(recipient, message id, subject, MIME bytes as SMTP sends them) of a SendEmail payload."""
    recipient = data["to"].strip().lower()
    subject, text, html = render_email(
        f"notify/email/{data['template']}", data["locale"], **data["context"]
    )
    attachments = [(a["filename"], a["content_type"], _decode(a["content_base64"]))
                   for a in data["attachments"]]
    msg = build_message(
        sender=current_app.config["MAIL_FROM"], to=recipient, to_name=data["to_name"],
        subject=subject, text=text, html=html, attachments=attachments,
    )
    return recipient, str(data["message_id"]), subject, msg.as_bytes(policy=policy.SMTP)


def _decode(content_base64):
    """An attachment's bytes; a payload with broken base64 is refused like any bad payload."""
    try:
        return base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({"attachments": ["Not valid base64."]}) from exc


def send(claimed):
    """Send a Claimed row and record the outcome. Raises TransientFailure to ask for a retry.

    Once the row's attempts reach MAIL_MAX_RETRIES, a transient failure is final (FAILED).
    """
    config = current_app.config
    if config["MAIL_BACKEND"] == "devmailbox":
        return _mark(claimed.id, EmailStatus.SENT)
    connection = reusable_connection(config)  # closed by itself on any failure
    try:
        connection.send(claimed.mime, claimed.recipient, envelope_sender(config["MAIL_FROM"]))
    except PermanentFailure as exc:
        return _mark(claimed.id, EmailStatus.FAILED, str(exc))
    except TransientFailure as exc:
        final = claimed.attempts >= config["MAIL_MAX_RETRIES"]
        status = _mark(claimed.id, EmailStatus.FAILED if final else EmailStatus.RETRYING, str(exc))
        if not final:
            raise
        return status
    return _mark(claimed.id, EmailStatus.SENT)


def _mark(email_id, status, error=None):
    """Record the outcome of one attempt and commit it at once."""
    values = {"status": status, "last_error": error}
    if status == EmailStatus.SENT:
        values["sent_at"] = utcnow()
    db.session.execute(sa.update(OutgoingEmail).where(OutgoingEmail.id == email_id).values(values))
    db.session.commit()
    return status
