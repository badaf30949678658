"""Building and sending email: multipart text + HTML, attachments, SMTP with clear outcomes.

An email template is a folder with ``subject.txt``, ``body.txt`` and ``body.html``, rendered in the
recipient's language; :func:`init_mail_templates` gives templates the filters that show the ISO
8601 UTC strings of message contracts in Europe/Helsinki time. :meth:`SMTPConnection.send` reports
a 4xx answer as :class:`TransientFailure` (retry later) and a 5xx as :class:`PermanentFailure`
(bounce; do not retry). :func:`reusable_connection` keeps one connection per worker thread, so a
stream of transactional emails does not pay a TCP and SMTP handshake for each. A stored message's
bytes are sent as they are (no parsing and serializing again), and a :class:`MessageFrame` builds
a message many recipients share once and fills in only each recipient's own part.
"""

import binascii
import contextlib
import datetime as dt
import os
import re
import smtplib
import threading
import time
from email import message_from_bytes, policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, getaddresses, make_msgid

from flask import render_template
from flask_babel import (
    force_locale,
    format_date,
    format_datetime,
    format_time,
    gettext,
    to_user_timezone,
)


class TransientFailure(Exception):
    """The server or the network said 'not now' (4xx, connection dropped): retry with backoff."""


class PermanentFailure(Exception):
    """The server refused the recipient or the message for good (5xx): a hard bounce."""


def render_email(folder, locale, **context):
    """(subject, text, html) of the template ``folder`` in ``locale``.

    The HTML body also gets the rendered ``subject`` (for its title) and ``locale`` (its lang).
    """
    with force_locale(locale):
        subject = " ".join(render_template(f"{folder}/subject.txt", **context).split())
        text = render_template(f"{folder}/body.txt", **context)
        html = render_template(f"{folder}/body.html", **{**context, "subject": subject,
                                                          "locale": locale})
    return subject, text, html


def parse_iso(value):
    """A timezone-aware datetime from an ISO 8601 string (or datetime); None for empty values.

    A naive value is taken to be UTC, as contracts carry every datetime in UTC.
    """
    if not value:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def format_iso_datetime(value, fmt="medium"):
    """An ISO 8601 UTC string shown in the configured zone (Europe/Helsinki), current locale."""
    moment = parse_iso(value)
    return format_datetime(moment, fmt) if moment else ""


def format_period(starts, ends):
    """When an event takes place, e.g. 'Tuesday, October 14, 2025, 1:00 PM–4:00 PM'.

    Shown in the configured zone and the current locale; an event over several days names both
    dates.
    """
    start, end = parse_iso(starts), parse_iso(ends)
    if start is None:
        return ""
    if end is None:
        return format_datetime(start, "full")
    if to_user_timezone(start).date() == to_user_timezone(end).date():
        return gettext("%(date)s, %(start)s–%(end)s", date=format_date(start, "full"),
                       start=format_time(start, "short"), end=format_time(end, "short"))
    return gettext("%(start)s – %(end)s",
                   start=f"{format_date(start, 'full')} {format_time(start, 'short')}",
                   end=f"{format_date(end, 'full')} {format_time(end, 'short')}")


def init_mail_templates(app):
    """Give ``app``'s templates the ``iso_datetime`` filter and the ``event_period`` helper."""
    app.jinja_env.filters["iso_datetime"] = format_iso_datetime
    app.jinja_env.globals["event_period"] = format_period


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


def envelope_sender(from_header):
    """The address of a From header (``Foorumi <foorumi@example.fi>``): the SMTP envelope's sender."""
    return getaddresses([from_header])[0][1]


_LINE_ENDS = re.compile(rb"\r\n|\r|\n")
#: RFC 5322's recommended and hard limits of a header line (without its CRLF)
HEADER_LINE, HEADER_LINE_MAX = 78, 998
#: stand-ins for the two bodies in a frame (quoted-printable leaves them as they are)
_TEXT_SLOT, _HTML_SLOT = "FOORUMITEXTBODYSLOT", "FOORUMIHTMLBODYSLOT"


def smtp_bytes(data):
    """Message bytes with every line ending CRLF, as SMTP's DATA needs them."""
    return _LINE_ENDS.sub(b"\r\n", data)


class MessageFrame:
    """A text + HTML message many recipients share, built once and filled in for each of them.

    The standard library builds and serializes the frame once: From, Subject, the headers every
    recipient gets and the multipart/alternative structure with its boundary. :meth:`fill` adds
    only one recipient's headers (To, Date, Message-ID and its own ``headers``) and the two bodies,
    quoted-printable encoded by ``binascii`` in C; that output never contains a literal ``=`` run
    like the frame's boundary, so no body can end a part early.
    """

    def __init__(self, *, sender, subject, headers=None, domain="foorumi.local"):
        msg = EmailMessage()
        msg["From"] = sender
        msg["Subject"] = subject
        for name, value in (headers or {}).items():
            msg[name] = value
        msg.set_content(_TEXT_SLOT, cte="quoted-printable")
        msg.add_alternative(_HTML_SLOT, subtype="html", cte="quoted-printable")
        head, body = msg.as_bytes(policy=policy.SMTP).split(b"\r\n\r\n", 1)
        before, rest = body.split(_TEXT_SLOT.encode() + b"\r\n")
        middle, after = rest.split(_HTML_SLOT.encode() + b"\r\n")
        self.head, self.parts, self.domain = head + b"\r\n", (before, middle, after), domain

    def fill(self, *, to, text, html, to_name="", headers=None):
        """The message to ``to`` with the bodies ``text`` and ``html``, as bytes ready for SMTP.

        Raises ValueError for a header value with a line break (no header injection).
        """
        own = {"To": str(Address(display_name=to_name or "", addr_spec=to)),
               "Date": formatdate(localtime=False), "Message-ID": make_msgid(domain=self.domain),
               **(headers or {})}
        before, middle, after = self.parts
        return b"".join([self.head, *(header_bytes(n, v) for n, v in own.items()), b"\r\n",
                         before, quoted_printable(text), middle, quoted_printable(html), after])


def header_bytes(name, value):
    """One header line as SMTP bytes, folded at its spaces; non-ASCII by the standard library.

    An ASCII value is folded only where it has a single space (so a long URL stays whole, never
    turned into RFC 2047 encoded words a mail client would not read as a link).
    """
    if "\r" in value or "\n" in value:
        raise ValueError("Header values may not contain linefeed or carriage return characters")
    if value.isascii() and value == value.strip() and "  " not in value:
        first, *words = value.split(" ")
        lines = [f"{name}: {first}"]
        for word in words:
            if len(lines[-1]) + 1 + len(word) > HEADER_LINE:
                lines.append(" " + word)
            else:
                lines[-1] += " " + word
        if max(map(len, lines)) <= HEADER_LINE_MAX:
            return ("\r\n".join(lines) + "\r\n").encode("ascii")
    return policy.SMTP.header_factory(name, value).fold(policy=policy.SMTP).encode("ascii")


def quoted_printable(text):
    """``text`` as a UTF-8 quoted-printable body with CRLF line ends, ending in one."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.endswith("\n"):
        text += "\n"
    return binascii.b2a_qp(text.encode("utf-8"), istext=True).replace(b"\n", b"\r\n")


#: a reused connection idle this long is closed before the next message (servers drop idle clients)
SMTP_IDLE_SECONDS = 30.0
#: ... and one idle this long is asked NOOP first (back-to-back messages skip the round trip)
SMTP_CHECK_SECONDS = 2.0


class SMTPConnection:
    """One SMTP connection, opened lazily and reused for several messages."""

    def __init__(self, settings):
        self.settings = settings
        self._smtp = None
        self._last_used = 0.0

    def _open(self):
        """Connect, and log in if a username is set."""
        s = self.settings
        smtp = smtplib.SMTP(s["SMTP_HOST"], int(s["SMTP_PORT"]), timeout=float(s["SMTP_TIMEOUT"]))
        if s["SMTP_STARTTLS"]:
            smtp.starttls()
        if s["SMTP_USERNAME"]:
            smtp.login(s["SMTP_USERNAME"], s["SMTP_PASSWORD"])
        return smtp

    def send(self, msg, recipient, sender=None):
        """Send ``msg`` to ``recipient``; raises TransientFailure or PermanentFailure.

        ``msg`` is an EmailMessage, or a message's bytes with the envelope ``sender``: bytes go
        out as they are (line ends made CRLF), never parsed and serialized again, unless an
        address outside ASCII needs SMTPUTF8. One attempt only: a connection that drops
        mid-message may have delivered it, so it is never sent again here (the caller's retry
        and its attempt count decide). Before a message, a reused connection idle past
        SMTP_CHECK_SECONDS is checked with NOOP, and one idle past SMTP_IDLE_SECONDS is closed,
        so a server's idle timeout costs no failure.
        """
        if self._smtp is not None:
            idle = time.monotonic() - self._last_used
            if idle > SMTP_IDLE_SECONDS or (idle > SMTP_CHECK_SECONDS and not self._alive()):
                self.close()
        try:
            if self._smtp is None:
                self._smtp = self._open()
            self._transmit(msg, recipient, sender)
            self._last_used = time.monotonic()
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

    def _transmit(self, msg, recipient, sender):
        """One SMTP transaction of a message or its bytes."""
        if isinstance(msg, bytes):
            if sender.isascii() and recipient.isascii():
                self._smtp.sendmail(sender, [recipient], smtp_bytes(msg))
                return
            msg = message_from_bytes(msg, policy=policy.SMTP)
        self._smtp.send_message(msg, to_addrs=[recipient])

    def _alive(self):
        """Whether the open connection still answers (NOOP)."""
        try:
            return self._smtp.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def close(self):
        """Quit politely; a dead connection is just dropped."""
        if self._smtp is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                self._smtp.quit()
            self._smtp = None


_threads = threading.local()


def reusable_connection(settings):
    """This thread's SMTP connection to the configured server, kept open between messages.

    It is per process too (a forked worker never shares its parent's socket) and per server, so
    changed settings get a connection of their own.
    """
    key = (os.getpid(), settings["SMTP_HOST"], int(settings["SMTP_PORT"]), settings["SMTP_USERNAME"])
    held = getattr(_threads, "held", None)
    if held is None or held[0] != key:
        if held is not None:
            held[1].close()
        held = _threads.held = (key, SMTPConnection(settings))
    return held[1]


def _failure(code, reply):
    """The outcome class of an SMTP error reply."""
    text = f"{code} {reply.decode(errors='replace') if isinstance(reply, bytes) else reply}"
    return PermanentFailure(text) if 500 <= int(code) < 600 else TransientFailure(text)
