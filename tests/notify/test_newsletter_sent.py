"""A newsletter that finished sending is announced once as ``notify.newsletter_sent``, naming the
forums whose announcement it carried (registration records their newsletter milestone)."""

import sqlalchemy as sa

from services.notify import delivery
from services.notify.models import (
    Announcement,
    AnnouncementKind,
    Campaign,
    CampaignStatus,
    OutboxMessage,
    db,
)
from shared.contracts import ROUTES, SCHEMAS, events
from tests.notify.newsletters import add_campaign, add_subscribers, drain


def newsletter_sent(app):
    """The ``notify.newsletter_sent`` messages in notify's outbox, loaded, in order."""
    with app.app_context():
        rows = db.session.scalars(sa.select(OutboxMessage.payload).where(
            OutboxMessage.topic == events.NEWSLETTER_SENT).order_by(OutboxMessage.id)).all()
    return [SCHEMAS[events.NEWSLETTER_SENT]().load(payload) for payload in rows]


def started_from(app, campaign_id, kind, source_id):
    """Make the campaign one started from an announcement of ``kind`` about ``source_id``."""
    with app.app_context():
        announcement = Announcement(kind=kind, source_id=source_id, title="Autumn provider forum",
                                    url=f"http://localhost/registration/events/{source_id}")
        db.session.add(announcement)
        db.session.flush()
        db.session.get(Campaign, campaign_id).announcement_id = announcement.id
        db.session.commit()


def finished_at(app, campaign_id):
    """When the campaign was marked SENT."""
    with app.app_context():
        return db.session.get(Campaign, campaign_id).finished_at


def test_registration_receives_the_message():
    assert ROUTES[events.NEWSLETTER_SENT] == ("registration.milestone_from_newsletter_sent",)


def test_a_sent_newsletter_names_the_forum_it_announced_once(newsletter_app):
    add_subscribers(newsletter_app, 3)
    campaign_id = add_campaign(newsletter_app)
    started_from(newsletter_app, campaign_id, AnnouncementKind.EVENT, 42)
    assert drain(newsletter_app, campaign_id) == CampaignStatus.SENT
    with newsletter_app.app_context():
        assert delivery.finish_if_done(campaign_id) is True  # finished already: no second message
    [message] = newsletter_sent(newsletter_app)
    assert message["campaign_id"] == campaign_id and message["event_ids"] == [42]
    assert (message["subject"], message["recipients"]) == ("Uutiskirje", 3)
    assert message["finished_at"] == finished_at(newsletter_app, campaign_id)


def test_a_newsletter_of_its_own_or_a_memos_names_no_forum(newsletter_app):
    add_subscribers(newsletter_app, 1)
    plain = add_campaign(newsletter_app)
    memo = add_campaign(newsletter_app)
    started_from(newsletter_app, memo, AnnouncementKind.MEMO, 42)
    for campaign_id in (plain, memo):
        assert drain(newsletter_app, campaign_id) == CampaignStatus.SENT
    assert [(m["campaign_id"], m["event_ids"]) for m in newsletter_sent(newsletter_app)] == [
        (plain, []), (memo, [])]


def test_a_paused_campaign_is_not_announced(newsletter_app):
    add_subscribers(newsletter_app, 2)
    campaign_id = add_campaign(newsletter_app)
    with newsletter_app.app_context():
        delivery.prepare(campaign_id)
        db.session.get(Campaign, campaign_id).status = CampaignStatus.PAUSED
        db.session.commit()
        assert delivery.finish_if_done(campaign_id) is False  # deliveries still open
    assert newsletter_sent(newsletter_app) == []
