"""The public newsletter archive and the Atom feed of announcements (forums and newsletters).

Only SENT campaigns are in the archive; each is shown in the reader's language when it has that
version, else in Finnish, its Markdown rendered and sanitized.
"""

import datetime as dt

import sqlalchemy as sa
from flask import Response, abort, current_app, render_template
from flask_babel import get_locale

from services.notify import announcements, campaigns
from services.notify.models import Campaign, CampaignStatus, db

ARCHIVE_SIZE = 100
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def sent():
    """Sent campaigns, the newest first."""
    return db.session.scalars(sa.select(Campaign).where(Campaign.status == CampaignStatus.SENT)
                              .order_by(Campaign.finished_at.desc()).limit(ARCHIVE_SIZE)).all()


def list_newsletters():
    """The archive: every sent newsletter with its subject in the reader's language."""
    locale = str(get_locale())
    items = [(c, campaigns.content_for(c, locale)[1]) for c in sent()]
    return render_template("notify/public/archive.html", items=items)


def show_newsletter(campaign_id):
    """One sent newsletter, in the reader's language (or Finnish)."""
    campaign = db.session.get(Campaign, campaign_id)
    if campaign is None or campaign.status != CampaignStatus.SENT:
        abort(404)
    lang, version = campaigns.content_for(campaign, str(get_locale()))
    return render_template("notify/public/newsletter.html", campaign=campaign, lang=lang,
                           version=version)


def atom_feed():
    """The Atom feed of forum announcements and newsletters."""
    base = current_app.config["PUBLIC_URL"].rstrip("/") + "/notify"
    items = announcements.feed()
    updated = max((item.updated_at for item in items), default=EPOCH)
    body = render_template("notify/public/feed.xml", items=items, feed_url=f"{base}/feed.atom",
                           home_url=f"{base}/archive", updated=updated.isoformat())
    return Response(body, mimetype="application/atom+xml")
