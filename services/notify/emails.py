"""The transactional emails notify sends about its own business, written to its own outbox.

The double opt-in link goes to a new subscriber; a campaign that paused itself is reported to the
staff member who made it. Both go out through ``notify.send_email`` after the commit, so they are
sent once, like every other transactional email.
"""

from flask import current_app

from services.notify import links
from services.notify.models import OutboxMessage, db
from shared.contracts import notify
from shared.outbox import emit


def subscription_confirm(subscriber, token):
    """The link that confirms a subscription (valid SUBSCRIBE_CONFIRM_HOURS, one use)."""
    emit(db.session, OutboxMessage, notify.SEND_EMAIL, to=subscriber.email,
         to_name=subscriber.name, locale=subscriber.locale, template="newsletter_confirm",
         context={"name": subscriber.name, "confirm_url": links.confirm_url(token),
                  "valid_hours": current_app.config["SUBSCRIBE_CONFIRM_HOURS"]})


def campaign_paused(campaign, reason, staff_url):
    """Tell the campaign's author that it paused itself, and why."""
    emit(db.session, OutboxMessage, notify.SEND_EMAIL, to=campaign.created_by,
         locale=current_app.config["DEFAULT_LOCALE"], template="newsletter_paused",
         context={"subject": campaign.content.get("fi", {}).get("subject", ""),
                  "reason": reason, "campaign_url": staff_url})
