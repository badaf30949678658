"""A newsletter as each subscriber gets it: their language (or Finnish), their own links, and the
RFC 2369/8058 headers that let a mail client unsubscribe with one click.

A :class:`Renderer` makes each language version once (per lane's batch): the Markdown rendered
and sanitized, the templates rendered with stand-ins where each recipient's own token and name
go, and a :class:`~shared.mail.MessageFrame` holding the headers and MIME structure everyone
shares. A message then only puts one recipient's token and name in the bodies and adds their To,
Date, Message-ID and List-Unsubscribe headers.
"""

import uuid
from email import message_from_bytes, policy
from typing import NamedTuple

from flask import current_app
from flask_babel import gettext
from markupsafe import escape

from services.notify import campaigns, links
from services.notify.models import Announcement, AnnouncementKind, Campaign, db
from shared.mail import MessageFrame, render_email
from shared.web.text import markdown

TEMPLATE = "notify/email/newsletter"
SHARED_HEADERS = {"List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                  "List-Id": "<newsletter.foorumi>", "Precedence": "bulk"}


def list_unsubscribe(token):
    """The List-Unsubscribe header of ``token``: its https and mailto links."""
    return f"<{links.unsubscribe_url(token)}>, <{links.unsubscribe_mailto(token)}>"


class Version(NamedTuple):
    """One language version of a campaign: rendered once, with stand-ins for each recipient."""

    lang: str
    subject: str
    text: str
    html: str
    frame: MessageFrame


class Message(NamedTuple):
    """One recipient's newsletter: its language, subject and bytes as SMTP sends them."""

    lang: str
    subject: str
    data: bytes


class Renderer:
    """Builds a campaign's messages, making each language version once."""

    def __init__(self, campaign, subject_prefix=""):
        self.campaign = campaign
        self.subject_prefix = subject_prefix
        self._versions = {}
        #: stand-ins no text can contain by chance, replaced by each recipient's own values
        self._token, self._name = (f"slot{uuid.uuid4().hex}" for _ in range(2))

    def version(self, locale):
        """The Version for ``locale`` (Finnish when the campaign has no such language)."""
        lang, content = campaigns.content_for(self.campaign, locale)
        if lang not in self._versions:
            self._versions[lang] = self._make(lang, content)
        return self._versions[lang]

    def _make(self, lang, content):
        """Render a language version with the recipient's token and name left as stand-ins."""
        body = content.get("body", "")
        subject, text, html = render_email(
            TEMPLATE, lang, subject=self.subject_prefix + content.get("subject", ""),
            body_html=markdown(body), body_text=body, name=self._name,
            unsubscribe_url=links.unsubscribe_url(self._token),
            preferences_url=links.preferences_url(self._token))
        if self._token in subject or self._name in subject:
            raise ValueError("a newsletter's subject is per language, not per recipient")
        frame = MessageFrame(sender=current_app.config["MAIL_FROM"], subject=subject,
                             headers=SHARED_HEADERS)
        return Version(lang, subject, text, html, frame)

    def message(self, recipient):
        """The Message of the newsletter for one recipient (email, name, locale, token)."""
        version = self.version(recipient.locale)
        token, name = recipient.token, recipient.name or ""
        text = version.text.replace(self._token, token).replace(self._name, name)
        html = (version.html.replace(self._token, str(escape(token)))
                .replace(self._name, str(escape(name))))
        data = version.frame.fill(to=recipient.email, to_name=name, text=text, html=html,
                                  headers={"List-Unsubscribe": list_unsubscribe(token)})
        return Message(version.lang, version.subject, data)


class Recipient:
    """Someone who is not a subscriber but gets a message (the staff member's test send)."""

    def __init__(self, email, name, locale):
        self.email, self.name, self.locale = email, name, locale
        self.token = "test-" + uuid.uuid4().hex


def test_message(campaign, email, name, locale):
    """(language, message) of a test send to a staff member, its subject marked as a test.

    The message is parsed from the bytes a subscriber's copy is made of, so the preview and the
    test show what subscribers get.
    """
    prefix = gettext("[Test]") + " "
    made = Renderer(campaign, prefix).message(Recipient(email, name, locale))
    return made.lang, message_from_bytes(made.data, policy=policy.default)


def staff_campaign_url(campaign_id):
    """The campaign's staff page (in the paused notice)."""
    base = current_app.config["PUBLIC_URL"].rstrip("/")
    return f"{base}/notify/staff/campaigns/{campaign_id}"


def archive(campaign_id):
    """Put a sent campaign in the public archive and the Atom feed (flush only, once)."""
    campaign = db.session.get(Campaign, campaign_id)
    exists = db.session.query(Announcement.id).filter_by(
        kind=AnnouncementKind.NEWSLETTER, source_id=campaign_id).first()
    if campaign is None or exists:
        return
    fi = campaign.content.get("fi", {})
    db.session.add(Announcement(kind=AnnouncementKind.NEWSLETTER, source_id=campaign_id,
                                title=fi.get("subject", "")[:300], summary=fi.get("body", "")[:500],
                                url=links.campaign_url(campaign_id)))
    db.session.flush()
