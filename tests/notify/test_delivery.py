"""Sending a campaign in this process against a real SMTP server (notify.delivery and .lanes).

The lanes run here one batch at a time; tests/reliability runs them in real workers.
"""

import datetime as dt
import re

import sqlalchemy as sa
from flask_babel import force_locale, gettext

from services.notify import campaigns, delivery, lanes, subscribers
from services.notify.models import (
    Campaign,
    CampaignStatus,
    Delivery,
    DeliveryStatus,
    Subscriber,
    db,
)
from shared.db import utcnow
from tests.notify.newsletters import (
    add_campaign,
    add_subscriber,
    add_subscribers,
    campaign_status,
    deliveries,
    drain,
    outbox_emails,
    subscriber_row,
)


def test_everyone_confirmed_gets_it_once_with_one_click_headers(newsletter_app, smtp):
    emails = add_subscribers(newsletter_app, 25)
    add_subscriber(newsletter_app, "pending@example.fi", status="pending")
    add_subscriber(newsletter_app, "gone@example.fi", status="unsubscribed")
    add_subscriber(newsletter_app, "bounced@example.fi", suppressed_at=utcnow())
    campaign_id = add_campaign(newsletter_app)
    assert drain(newsletter_app, campaign_id) == CampaignStatus.SENT
    assert smtp.recorder.counts() == {e: 1 for e in emails}
    assert set(deliveries(newsletter_app, campaign_id).values()) == {(DeliveryStatus.SENT, 1)}
    msg = smtp.recorder.received(emails[0])[0]
    token = subscriber_row(newsletter_app, emails[0]).token
    https, mailto = re.findall(r"<([^>]+)>", msg["List-Unsubscribe"])
    assert https == f"http://localhost/notify/unsubscribe/{token}"
    assert mailto.startswith("mailto:unsubscribe@") and token in mailto
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert f"/notify/preferences/{token}" in msg.get_body(("plain",)).get_content()


def test_the_one_click_post_of_the_header_unsubscribes(newsletter_app, smtp):
    (email,) = add_subscribers(newsletter_app, 1)
    drain(newsletter_app, add_campaign(newsletter_app))
    https = re.findall(r"<([^>]+)>", smtp.recorder.received(email)[0]["List-Unsubscribe"])[0]
    path = https.removeprefix("http://localhost/notify")
    response = newsletter_app.test_client().post(
        path, data="List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert subscriber_row(newsletter_app, email).status == "unsubscribed"
    second = add_campaign(newsletter_app)
    drain(newsletter_app, second)
    assert len(smtp.recorder.received(email)) == 1
    assert deliveries(newsletter_app, second) == {}


def test_each_subscriber_gets_their_language_falling_back_to_finnish(newsletter_app, smtp):
    add_subscriber(newsletter_app, "fi@example.fi", locale="fi")
    add_subscriber(newsletter_app, "sv@example.fi", locale="sv")
    add_subscriber(newsletter_app, "en@example.fi", locale="en")  # no English version
    drain(newsletter_app, add_campaign(newsletter_app))
    fi, sv, en = (smtp.recorder.received(f"{x}@example.fi")[0] for x in ("fi", "sv", "en"))
    assert (fi["Subject"], sv["Subject"], en["Subject"]) == ("Uutiskirje", "Nyhetsbrev", "Uutiskirje")
    assert "<strong>Höstforumet</strong>" in sv.get_body(("html",)).get_content()
    assert 'lang="sv"' in sv.get_body(("html",)).get_content()
    assert "**Syysfoorumi**" in en.get_body(("plain",)).get_content()
    with newsletter_app.app_context(), force_locale("fi"):
        unsubscribe = gettext("Unsubscribe")
    assert unsubscribe != "Unsubscribe"  # the Finnish catalog has it
    assert f"{unsubscribe}: http://localhost/notify/unsubscribe/" in fi.get_body(("plain",)).get_content()


def test_html_in_the_markdown_is_stripped(newsletter_app, smtp):
    add_subscriber(newsletter_app, "maija@example.fi")
    content = {"fi": {"subject": "X", "body": 'Hei <script>alert(1)</script> [a](javascript:x)'}}
    drain(newsletter_app, add_campaign(newsletter_app, content=content))
    html = smtp.recorder.received("maija@example.fi")[0].get_body(("html",)).get_content()
    assert "<script>" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;" in html  # shown as text, never run


def test_segments_pick_subscribers_sharing_a_code_of_each_named_dimension(newsletter_app, smtp):
    add_subscriber(newsletter_app, "a@example.fi", industries=["elderly_care"], regions=["north"])
    add_subscriber(newsletter_app, "b@example.fi", industries=["elderly_care"], regions=["south"])
    add_subscriber(newsletter_app, "c@example.fi", industries=["disability"], regions=["north"])
    add_subscriber(newsletter_app, "d@example.fi", themes=["budget"])
    segment = {"industries": ["elderly_care", "home_care"], "regions": ["north"]}
    drain(newsletter_app, add_campaign(newsletter_app, segment=segment))
    assert set(smtp.recorder.counts()) == {"a@example.fi"}
    drain(newsletter_app, add_campaign(newsletter_app, segment={"themes": ["budget"]}))
    assert smtp.recorder.counts() == {"a@example.fi": 1, "d@example.fi": 1}


def test_a_4xx_is_retried_with_backoff_and_then_sent_once(newsletter_app, smtp):
    add_subscriber(newsletter_app, "busy@example.fi")
    smtp.recorder.reply_for["busy@example.fi"] = "451 4.2.1 Mailbox busy"
    smtp.recorder.reply_times["busy@example.fi"] = 2
    campaign_id = add_campaign(newsletter_app)
    assert drain(newsletter_app, campaign_id) == CampaignStatus.SENT
    assert deliveries(newsletter_app, campaign_id) == {"busy@example.fi": (DeliveryStatus.SENT, 3)}
    assert len(smtp.recorder.received("busy@example.fi")) == 1
    assert [r for r, _ in smtp.recorder.refused] == ["busy@example.fi"] * 2


def test_a_4xx_fails_for_good_after_the_attempts(make_app, smtp):
    app = make_app("notify", MAIL_BACKEND="smtp", SMTP_PORT=smtp.port, NEWSLETTER_MAX_ATTEMPTS=3,
                   NEWSLETTER_RETRY_SECONDS=0.01)
    add_subscriber(app, "busy@example.fi")
    smtp.recorder.reply_for["busy@example.fi"] = "451 Mailbox busy"
    campaign_id = add_campaign(app)
    assert drain(app, campaign_id) == CampaignStatus.SENT
    status, attempts = deliveries(app, campaign_id)["busy@example.fi"]
    assert (status, attempts) == (DeliveryStatus.FAILED, 3)
    assert subscriber_row(app, "busy@example.fi").suppressed_at is None


def test_a_dropped_connection_after_data_is_retried(newsletter_app, smtp):
    add_subscribers(newsletter_app, 3)
    smtp.recorder.drop_after_data["user1@example.fi"] = 1
    campaign_id = add_campaign(newsletter_app)
    assert drain(newsletter_app, campaign_id) == CampaignStatus.SENT
    assert smtp.recorder.counts() == {f"user{n}@example.fi": 1 for n in range(3)}
    status, attempts = deliveries(newsletter_app, campaign_id)["user1@example.fi"]
    assert status == DeliveryStatus.SENT and attempts in (1, 2)  # shared.mail may resend at once
    assert ("user1@example.fi", "dropped") in smtp.recorder.refused


def test_a_5xx_is_a_hard_bounce_and_the_address_is_suppressed(newsletter_app, smtp):
    add_subscribers(newsletter_app, 3)
    smtp.recorder.reply_for["user1@example.fi"] = "550 5.1.1 User unknown"
    campaign_id = add_campaign(newsletter_app)
    assert drain(newsletter_app, campaign_id) == CampaignStatus.SENT
    assert deliveries(newsletter_app, campaign_id)["user1@example.fi"] == (DeliveryStatus.BOUNCED, 1)
    row = subscriber_row(newsletter_app, "user1@example.fi")
    assert row.suppressed_at is not None and "550" in row.suppression_reason
    drain(newsletter_app, add_campaign(newsletter_app))
    assert "user1@example.fi" not in smtp.recorder.counts()
    assert len(smtp.recorder.refused) == 1


def test_too_many_failures_pause_the_campaign_and_tell_its_author(make_app, smtp):
    app = make_app("notify", MAIL_BACKEND="smtp", SMTP_PORT=smtp.port, NEWSLETTER_BATCH_SIZE=10,
                   NEWSLETTER_ERROR_RATE_MIN_ATTEMPTS=10, NEWSLETTER_ERROR_RATE_PAUSE=0.3)
    emails = add_subscribers(app, 60)
    for email in emails[:20]:
        smtp.recorder.reply_for[email] = "550 No such user"
    campaign_id = add_campaign(app)
    assert drain(app, campaign_id) == CampaignStatus.PAUSED
    with app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        assert re.search(r"\b\d+\b.*\b\d+\b", campaign.pause_reason)  # n of m, any language
    counts = deliveries(app, campaign_id)
    assert sum(1 for s, _ in counts.values() if s == DeliveryStatus.QUEUED) > 0
    assert not any(s == DeliveryStatus.SENDING for s, _ in counts.values())
    (notice,) = outbox_emails(app, "newsletter_paused")
    assert notice["to"] == "viestinta@example.fi"
    assert notice["context"]["campaign_url"].endswith(f"/notify/staff/campaigns/{campaign_id}")


def test_someone_unsubscribing_during_the_send_gets_nothing_after(newsletter_app, smtp):
    emails = add_subscribers(newsletter_app, 30)
    campaign_id = add_campaign(newsletter_app)
    with newsletter_app.app_context():
        delivery.prepare(campaign_id)
        lanes.send_batch(campaign_id)  # one batch of 10 went
        late = db.session.scalar(sa.select(Subscriber).where(Subscriber.email == emails[-1]))
        subscribers.unsubscribe(late)
        db.session.commit()
    assert drain(newsletter_app, campaign_id) == CampaignStatus.SENT
    assert emails[-1] not in smtp.recorder.counts()
    assert deliveries(newsletter_app, campaign_id)[emails[-1]][0] == DeliveryStatus.SUPPRESSED
    assert len(smtp.recorder.received()) == 29


def test_unsubscribing_between_claim_and_send_is_still_honoured(newsletter_app, smtp):
    emails = add_subscribers(newsletter_app, 2)
    campaign_id = add_campaign(newsletter_app)
    with newsletter_app.app_context():
        delivery.prepare(campaign_id)
        token, ids = lanes.claim(campaign_id, 10)
        db.session.execute(sa.update(Subscriber).where(Subscriber.email == emails[1])
                           .values(status="unsubscribed"))
        db.session.commit()
        lane = lanes.Lane(campaign_id, token)
        for delivery_id in ids:
            lane.deliver(delivery_id)
        lane.close()
    assert smtp.recorder.counts() == {emails[0]: 1}


def test_pause_hands_back_the_unsent_rows_and_resume_sends_each_once(newsletter_app, smtp):
    emails = add_subscribers(newsletter_app, 40)
    campaign_id = add_campaign(newsletter_app)
    with newsletter_app.app_context():
        delivery.prepare(campaign_id)
        lanes.send_batch(campaign_id)
        db.session.execute(sa.update(Campaign).values(status=CampaignStatus.PAUSED))
        db.session.commit()
        assert lanes.send_batch(campaign_id) == ("stopped", 0.0)
    paused = deliveries(newsletter_app, campaign_id)
    assert sum(1 for s, _ in paused.values() if s == DeliveryStatus.SENT) == 10
    assert not any(s == DeliveryStatus.SENDING for s, _ in paused.values())
    with newsletter_app.app_context():
        db.session.execute(sa.update(Campaign).values(status=CampaignStatus.SENDING))
        db.session.commit()
    assert drain(newsletter_app, campaign_id) == CampaignStatus.SENT
    assert smtp.recorder.counts() == {e: 1 for e in emails}


def test_a_dead_lanes_claim_is_recovered_after_the_lease_and_nothing_else_is_reset(
        newsletter_app, smtp):
    emails = add_subscribers(newsletter_app, 15)
    campaign_id = add_campaign(newsletter_app)
    with newsletter_app.app_context():
        delivery.prepare(campaign_id)
        lanes.send_batch(campaign_id)  # 10 sent
        _token, dead = lanes.claim(campaign_id, 10)  # a lane claims 5 and dies
        assert len(dead) == 5
        assert delivery.recover(campaign_id) == 0  # within the lease: left alone
        later = utcnow() + dt.timedelta(seconds=121)
        assert delivery.recover(campaign_id, now=later) == 5
        assert delivery.stalled(now=later) == [campaign_id]
    assert drain(newsletter_app, campaign_id) == CampaignStatus.SENT
    assert smtp.recorder.counts() == {e: 1 for e in emails}


def test_freezing_twice_creates_no_second_row(newsletter_app):
    add_subscribers(newsletter_app, 7)
    campaign_id = add_campaign(newsletter_app)
    with newsletter_app.app_context():
        campaign = db.session.get(Campaign, campaign_id)
        delivery.freeze(campaign)
        campaign.recipients_frozen_at = None
        delivery.freeze(campaign)
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Delivery)) == 7


def test_scheduled_campaigns_start_when_due(newsletter_app):
    due = add_campaign(newsletter_app, status=CampaignStatus.SCHEDULED)
    later = add_campaign(newsletter_app, status=CampaignStatus.SCHEDULED)
    with newsletter_app.app_context():
        db.session.execute(sa.update(Campaign).where(Campaign.id == later)
                           .values(scheduled_at=utcnow() + dt.timedelta(hours=3)))
        db.session.commit()
        assert delivery.start_due() == [due]
        assert delivery.start_due() == []
    assert campaign_status(newsletter_app, due) == CampaignStatus.SENDING
    assert campaign_status(newsletter_app, later) == CampaignStatus.SCHEDULED


def test_the_dev_mailbox_keeps_each_newsletter(make_app):
    app = make_app("notify")
    add_subscriber(app, "maija@example.fi", locale="sv")
    campaign_id = add_campaign(app)
    assert drain(app, campaign_id) == CampaignStatus.SENT
    page = app.test_client().get("/dev/mailbox/?to=maija@example.fi")
    assert "Nyhetsbrev" in page.get_data(as_text=True)


def test_a_resumed_campaign_is_judged_on_the_attempts_after_the_resume(make_app, smtp):
    app = make_app("notify", MAIL_BACKEND="smtp", SMTP_PORT=smtp.port, NEWSLETTER_BATCH_SIZE=10,
                   NEWSLETTER_ERROR_RATE_MIN_ATTEMPTS=10, NEWSLETTER_ERROR_RATE_PAUSE=0.3,
                   NEWSLETTER_RETRY_SECONDS=0.05)
    emails = add_subscribers(app, 60)
    for email in emails[:12]:
        smtp.recorder.reply_for[email] = "451 Greylisted"
    campaign_id = add_campaign(app)
    assert drain(app, campaign_id) == CampaignStatus.PAUSED
    smtp.recorder.reply_for.clear()  # the relay is fixed
    with app.app_context():
        campaigns.resume(db.session.get(Campaign, campaign_id))
        db.session.commit()
    assert drain(app, campaign_id) == CampaignStatus.SENT
    assert smtp.recorder.counts() == {e: 1 for e in emails}


def test_a_lane_waiting_for_a_retry_keeps_the_campaign_alive(newsletter_app, smtp):
    add_subscriber(newsletter_app, "busy@example.fi")
    smtp.recorder.reply_for["busy@example.fi"] = "451 Busy"
    campaign_id = add_campaign(newsletter_app)
    with newsletter_app.app_context():
        db.session.execute(sa.update(Campaign).values(heartbeat_at=None))
        db.session.commit()
        delivery.prepare(campaign_id)
        lanes.send_batch(campaign_id)  # the 4xx: RETRYING
        step, seconds = lanes.send_batch(campaign_id)
        assert step == "retry_in" and 0 < seconds <= lanes.MAX_RETRY_COUNTDOWN
        assert delivery.stalled() == []


def test_starting_a_due_campaign_at_once_needs_no_tick(newsletter_app, smtp):
    add_subscriber(newsletter_app, "maija@example.fi")
    campaign_id = add_campaign(newsletter_app, status=CampaignStatus.SCHEDULED)
    assert drain(newsletter_app, campaign_id) == CampaignStatus.SENT  # prepare() started it
    assert smtp.recorder.counts() == {"maija@example.fi": 1}
    later = add_campaign(newsletter_app, status=CampaignStatus.SCHEDULED)
    with newsletter_app.app_context():
        db.session.execute(sa.update(Campaign).where(Campaign.id == later)
                           .values(scheduled_at=utcnow() + dt.timedelta(hours=1)))
        db.session.commit()
        assert delivery.prepare(later) == 0
    assert campaign_status(newsletter_app, later) == CampaignStatus.SCHEDULED
