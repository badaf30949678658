"""A newsletter as each subscriber gets it: their language (or Finnish), their own links, and the
RFC 2369/8058 headers that let a mail client unsubscribe with one click.

The Markdown of each language version is rendered once per batch (sanitized HTML, and the source
as the text part); the per-recipient part is the template around it.
"""

import uuid

from flask import current_app
from flask_babel import gettext

from services.notify import campaigns, links
from services.notify.models import Announcement, AnnouncementKind, Campaign, db
from shared.mail import build_message, render_email
from shared.web.text import markdown

TEMPLATE = "notify/email/newsletter"


def list_unsubscribe_headers(token):
    """The List-Unsubscribe (https and mailto) and List-Unsubscribe-Post headers of ``token``."""
    return {
        "List-Unsubscribe": f"<{links.unsubscribe_url(token)}>, <{links.unsubscribe_mailto(token)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": "<newsletter.foorumi>",
        "Precedence": "bulk",
    }


class Renderer:
    """Builds a campaign's messages, caching each language version's rendered Markdown."""

    def __init__(self, campaign, subject_prefix=""):
        self.campaign = campaign
        self.subject_prefix = subject_prefix
        self._versions = {}

    def version(self, locale):
        """(language, subject, body HTML, body text) for ``locale``, falling back to Finnish."""
        lang, content = campaigns.content_for(self.campaign, locale)
        if lang not in self._versions:
            body = content.get("body", "")
            self._versions[lang] = (lang, self.subject_prefix + content.get("subject", ""),
                                    markdown(body), body)
        return self._versions[lang]

    def message(self, subscriber):
        """(language, MIME message) of the newsletter for one subscriber."""
        lang, subject, body_html, body_text = self.version(subscriber.locale)
        subject, text, html = render_email(
            TEMPLATE, lang, subject=subject, body_html=body_html, body_text=body_text,
            name=subscriber.name, unsubscribe_url=links.unsubscribe_url(subscriber.token),
            preferences_url=links.preferences_url(subscriber.token))
        msg = build_message(sender=current_app.config["MAIL_FROM"], to=subscriber.email,
                            to_name=subscriber.name, subject=subject, text=text, html=html,
                            headers=list_unsubscribe_headers(subscriber.token))
        return lang, msg


class Recipient:
    """Someone who is not a subscriber but gets a message (the staff member's test send)."""

    def __init__(self, email, name, locale):
        self.email, self.name, self.locale = email, name, locale
        self.token = "test-" + uuid.uuid4().hex


def test_message(campaign, email, name, locale):
    """(language, message) of a test send to a staff member, its subject marked as a test."""
    prefix = gettext("[Test]") + " "
    return Renderer(campaign, prefix).message(Recipient(email, name, locale))


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
