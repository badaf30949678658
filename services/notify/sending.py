"""Sending transactional email: render once, record, claim, send, record the outcome.

Guarantees (rule 3 of the house): one ``OutgoingEmail`` row per (message, recipient); a row is
claimed (QUEUED/RETRYING -> SENDING) and committed before the SMTP conversation and marked SENT
right after the 250 reply, so a redelivered task never sends a second copy. A crash between the
claim and the reply leaves the row SENDING and it is not sent again (at most once). A 4xx answer
or a dropped connection leaves the row RETRYING (the task retries it with backoff); a 5xx leaves
it FAILED. With ``MAIL_BACKEND=devmailbox`` the row is marked SENT without any SMTP: the dev
mailbox shows it.
"""

import base64
import binascii
from email import message_from_bytes, policy

import sqlalchemy as sa
from flask import current_app
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from services.notify.models import EmailStatus, OutgoingEmail, db
from shared.db import utcnow
from shared.mail import (
    PermanentFailure,
    TransientFailure,
    build_message,
    render_email,
    reusable_connection,
)


def record(data):
    """Render the email of a SendEmail payload and store it QUEUED; returns its row id.

    A row that already exists for (message_id, recipient) is returned as it is.
    """
    recipient = data["to"].strip().lower()
    message_id = str(data["message_id"])
    existing = _find(message_id, recipient)
    if existing is not None:
        return existing.id
    subject, text, html = render_email(
        f"notify/email/{data['template']}", data["locale"], **data["context"]
    )
    attachments = [(a["filename"], a["content_type"], _decode(a["content_base64"]))
                   for a in data["attachments"]]
    msg = build_message(
        sender=current_app.config["MAIL_FROM"], to=recipient, to_name=data["to_name"],
        subject=subject, text=text, html=html, attachments=attachments,
    )
    row = OutgoingEmail(message_id=message_id, recipient=recipient, template=data["template"],
                        locale=data["locale"], subject=subject, mime=msg.as_bytes())
    try:
        with db.session.begin_nested():
            db.session.add(row)
    except IntegrityError:
        return _find(message_id, recipient).id
    db.session.commit()
    return row.id


def _decode(content_base64):
    """An attachment's bytes; a payload with broken base64 is refused like any bad payload."""
    try:
        return base64.b64decode(content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError({"attachments": ["Not valid base64."]}) from exc


def _find(message_id, recipient):
    """The row of (message_id, recipient), or None."""
    return db.session.scalar(
        sa.select(OutgoingEmail).where(OutgoingEmail.message_id == message_id,
                                       OutgoingEmail.recipient == recipient)
    )


def claim(email_id):
    """Atomically move a row from QUEUED/RETRYING to SENDING; False if someone else has it."""
    result = db.session.execute(
        sa.update(OutgoingEmail)
        .where(OutgoingEmail.id == email_id,
               OutgoingEmail.status.in_([EmailStatus.QUEUED, EmailStatus.RETRYING]))
        .values(status=EmailStatus.SENDING, attempts=OutgoingEmail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return result.rowcount == 1


def deliver(email_id):
    """Send a claimed row and record the outcome. Raises TransientFailure to ask for a retry.

    Once the row's attempts reach MAIL_MAX_RETRIES, a transient failure is final (FAILED).
    """
    row = db.session.get(OutgoingEmail, email_id, populate_existing=True)
    if current_app.config["MAIL_BACKEND"] == "devmailbox":
        return _mark(row, EmailStatus.SENT)
    connection = reusable_connection(current_app.config)  # closed by itself on any failure
    try:
        connection.send(message_from_bytes(row.mime, policy=policy.SMTP), row.recipient)
    except PermanentFailure as exc:
        return _mark(row, EmailStatus.FAILED, str(exc))
    except TransientFailure as exc:
        final = row.attempts >= current_app.config["MAIL_MAX_RETRIES"]
        _mark(row, EmailStatus.FAILED if final else EmailStatus.RETRYING, str(exc))
        if not final:
            raise
        return row.status
    return _mark(row, EmailStatus.SENT)


def _mark(row, status, error=None):
    """Record the outcome of one attempt and commit it at once."""
    row.status = status
    row.last_error = error
    if status == EmailStatus.SENT:
        row.sent_at = utcnow()
    db.session.commit()
    return status
