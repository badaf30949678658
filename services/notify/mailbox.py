"""The dev mailbox: lists the emails the suite sent and shows them with clickable links.

Registered only when ``DEV_MAILBOX`` is on (the embedded mode); never in production. An email's
HTML is sanitized before it is shown (no scripts, event handlers or javascript: links survive),
and attachments are always downloaded, never rendered.
"""

import io
from email import message_from_bytes, policy

import nh3
import sqlalchemy as sa
from flask import Response, abort, render_template, request, send_file
from flask_babel import lazy_gettext as _l

from services.notify.models import EmailStatus, OutgoingEmail, db
from shared.web.text import ALLOWED_TAGS, URL_SCHEMES

PAGE_SIZE = 50

#: what an email's HTML may keep in the mailbox: structure and links, no styles or scripts
MAIL_TAGS = ALLOWED_TAGS | {
    "h1", "h2", "table", "caption", "thead", "tbody", "tr", "th", "td", "div", "span", "dl", "dt",
    "dd", "small", "b", "i", "u",
}
MAIL_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}, "*": {"lang"}}

#: an email's status as the mailbox shows it
STATUS_LABELS = {
    EmailStatus.QUEUED: _l("Waiting to be sent"),
    EmailStatus.SENDING: _l("Being sent"),
    EmailStatus.SENT: _l("Sent"),
    EmailStatus.RETRYING: _l("Will be retried"),
    EmailStatus.FAILED: _l("Failed"),
}


def sanitize_email_html(html):
    """An email's HTML made safe to show inside a page: the head, scripts and styles dropped."""
    return nh3.clean(
        html, tags=MAIL_TAGS, attributes=MAIL_ATTRIBUTES, url_schemes=URL_SCHEMES,
        clean_content_tags={"script", "style", "title"},
        link_rel="noopener noreferrer nofollow", strip_comments=True,
    )


def list_messages():
    """The newest emails first, optionally only those to ``?to=``."""
    query = sa.select(OutgoingEmail).order_by(OutgoingEmail.id.desc()).limit(PAGE_SIZE)
    to = request.args.get("to", "").strip().lower()
    if to:
        query = query.where(OutgoingEmail.recipient == to)
    emails = db.session.scalars(query).all()
    return render_template("notify/mailbox/list.html", emails=emails, to=to,
                           status_labels=STATUS_LABELS)


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
        html=sanitize_email_html(html.get_content()) if html else "",
        text=text.get_content() if text else "", files=files, status_labels=STATUS_LABELS,
    )


def raw_message(email_id):
    """The MIME source as sent."""
    row, _ = _load(email_id)
    return Response(row.mime, mimetype="text/plain")


def download_attachment(email_id, index):
    """One attachment of an email, as a download."""
    _, msg = _load(email_id)
    parts = list(msg.iter_attachments())
    if not 0 <= index < len(parts):
        abort(404)
    part = parts[index]
    data = part.get_content()
    if isinstance(data, str):
        data = data.encode()
    return send_file(io.BytesIO(data), mimetype=part.get_content_type(), as_attachment=True,
                     download_name=part.get_filename() or f"attachment-{index}")
