"""The dev mailbox: lists the emails the suite sent and shows them with clickable links.

Registered only when ``DEV_MAILBOX`` is on (the embedded mode); never in production.
"""

from email import message_from_bytes, policy

import sqlalchemy as sa
from flask import Response, abort, render_template, request

from services.notify.models import OutgoingEmail, db
from shared.web.text import sanitize_html

PAGE_SIZE = 50


def list_messages():
    """The newest emails first, optionally only those to ``?to=``."""
    query = sa.select(OutgoingEmail).order_by(OutgoingEmail.id.desc()).limit(PAGE_SIZE)
    to = request.args.get("to", "").strip().lower()
    if to:
        query = query.where(OutgoingEmail.recipient == to)
    return render_template("notify/mailbox/list.html", emails=db.session.scalars(query).all(), to=to)


def _load(email_id):
    """The stored email and its parsed MIME message, or 404."""
    row = db.session.get(OutgoingEmail, email_id) or abort(404)
    return row, message_from_bytes(row.mime, policy=policy.default)


def show_message(email_id):
    """One email: headers, the HTML part (sanitized, links clickable), the text part, files."""
    row, msg = _load(email_id)
    html = msg.get_body(("html",))
    text = msg.get_body(("plain",))
    files = [(i, part.get_filename(), part.get_content_type())
             for i, part in enumerate(msg.iter_attachments())]
    return render_template(
        "notify/mailbox/show.html", email=row, msg=msg,
        html=sanitize_html(html.get_content()) if html else "",
        text=text.get_content() if text else "", files=files,
    )


def raw_message(email_id):
    """The MIME source as sent."""
    row, _ = _load(email_id)
    return Response(row.mime, mimetype="text/plain")


def download_attachment(email_id, index):
    """One attachment of an email."""
    _, msg = _load(email_id)
    parts = list(msg.iter_attachments())
    if not 0 <= index < len(parts):
        abort(404)
    part = parts[index]
    return Response(part.get_content() if part.get_content_maintype() != "text"
                    else part.get_content().encode(), mimetype=part.get_content_type(),
                    headers={"Content-Disposition": f'attachment; filename="{part.get_filename()}"'})
