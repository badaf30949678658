"""Building and sending email: multipart text + HTML, attachments, SMTP with clear outcomes.

An email template is a folder with ``subject.txt``, ``body.txt`` and ``body.html``, rendered in the
recipient's language. :func:`send` reports a 4xx answer as :class:`TransientFailure` (retry later)
and a 5xx as :class:`PermanentFailure` (bounce; do not retry).
"""

import smtplib
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import render_template
from flask_babel import force_locale


class TransientFailure(Exception):
    """The server or the network said 'not now' (4xx, connection dropped): retry with backoff."""


class PermanentFailure(Exception):
    """The server refused the recipient or the message for good (5xx): a hard bounce."""


def render_email(folder, locale, **context):
    """(subject, text, html) of the template ``folder`` in ``locale``."""
    with force_locale(locale):
        subject = render_template(f"{folder}/subject.txt", **context).strip()
        text = render_template(f"{folder}/body.txt", **context)
        html = render_template(f"{folder}/body.html", **context)
    return " ".join(subject.split()), text, html


def build_message(*, sender, to, subject, text, html, to_name="", attachments=(), headers=None,
                  domain="foorumi.local"):
    """A MIME message: text and HTML alternatives, then attachments as (name, type, bytes)."""
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = str(Address(display_name=to_name or "", addr_spec=to))
    msg["Subject"] = subject
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=domain)
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    for filename, content_type, data in attachments:
        maintype, subtype = content_type.split("/", 1)
        if maintype == "text":
            msg.add_attachment(data.decode("utf-8"), subtype=subtype, filename=filename)
        else:
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=filename)
    return msg


class SMTPConnection:
    """One SMTP connection, opened lazily and reused for several messages."""

    def __init__(self, settings):
        self.settings = settings
        self._smtp = None

    def _open(self):
        """Connect, and log in if a username is set."""
        s = self.settings
        smtp = smtplib.SMTP(s["SMTP_HOST"], int(s["SMTP_PORT"]), timeout=float(s["SMTP_TIMEOUT"]))
        if s["SMTP_STARTTLS"]:
            smtp.starttls()
        if s["SMTP_USERNAME"]:
            smtp.login(s["SMTP_USERNAME"], s["SMTP_PASSWORD"])
        return smtp

    def send(self, msg, recipient):
        """Send ``msg`` to ``recipient``; raises TransientFailure or PermanentFailure."""
        try:
            if self._smtp is None:
                self._smtp = self._open()
            self._smtp.send_message(msg, to_addrs=[recipient])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            self.close()
            raise _failure(code, reply) from exc
        except smtplib.SMTPResponseException as exc:
            self.close()
            raise _failure(exc.smtp_code, exc.smtp_error) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            raise TransientFailure(str(exc)) from exc

    def close(self):
        """Quit politely; a dead connection is just dropped."""
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                pass
            self._smtp = None


def _failure(code, reply):
    """The outcome class of an SMTP error reply."""
    text = f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
    return PermanentFailure(text) if 500 <= int(code) < 600 else TransientFailure(text)
