"""A newsletter that mentions a forum which changed or was cancelled is never sent with the old
facts: it is taken off the schedule, flagged on its pages, notify's own date line is updated, and
the communications staff are emailed once (services/notify/campaign_review.py)."""

import datetime as dt
import re

import sqlalchemy as sa
from flask_babel import force_locale

from services.notify import announcements, campaign_review, delivery, tasks
from services.notify.models import (
    Announcement,
    Campaign,
    CampaignStatus,
    OutboxMessage,
    OutgoingEmail,
    db,
)
from shared.contracts import notify
from shared.db import utcnow
from shared.mail import format_period
from shared.testing.fixtures import create_staff, login_as
from tests.notify.announcing import event_published
from tests.notify.newsletters import add_subscriber, drain
from tests.notify.test_forum_changes import STARTS, cancelled, changed, run
from tests.registration.builders import fast_passwords  # noqa: F401 - a fixture

MOVED = STARTS + dt.timedelta(days=7)
URL = "http://localhost/registration/events/1"
LATER = "2031-03-01T09:00"  # Helsinki time, far ahead: the campaign waits on the schedule


def announced(app):
    """Forum 1 announced (a month ahead); returns its announcement's id."""
    run(app, tasks.announce_event, event_published(starts=STARTS,
                                                   published=utcnow() - dt.timedelta(days=7)))
    with app.app_context():
        return announcements.event_announcement(1).id


def composer_block(app, announcement_id):
    """The Finnish Markdown block the composer starts a newsletter from."""
    with app.test_request_context(), force_locale("fi"):
        return announcements.block(db.session.get(Announcement, announcement_id))


def compose(client, body, announcement_id=None, subject="Syysfoorumi"):
    """Post the composer as the officer would; returns the new campaign's id."""
    data = {"subject_fi": subject, "body_fi": body}
    if announcement_id:
        data["announcement_id"] = str(announcement_id)
    response = client.post("/staff/campaigns/new", data=data)
    assert response.status_code == 302, response.data
    return int(re.search(r"/campaigns/(\d+)$", response.headers["Location"]).group(1))


def scheduled(app, client, body=None, announcement_id=None):
    """A newsletter (from the announcement by default) scheduled for LATER; its id."""
    announcement_id = announcement_id or announced(app)
    campaign_id = compose(client, body or composer_block(app, announcement_id), announcement_id)
    assert client.post(f"/staff/campaigns/{campaign_id}/send",
                       data={"send_at": LATER}).status_code == 302
    assert stored(app, campaign_id).status == CampaignStatus.SCHEDULED
    return campaign_id


def stored(app, campaign_id):
    """The campaign row as stored now."""
    with app.app_context():
        return db.session.get(Campaign, campaign_id)


def when(app, starts, locale="fi"):
    """The date line notify generates for a forum of three hours from ``starts``."""
    with app.app_context(), force_locale(locale):
        return format_period(starts, starts + dt.timedelta(hours=3))


def review_emails(app):
    """The review emails in notify's outbox: (to, context)."""
    with app.app_context():
        payloads = db.session.scalars(sa.select(OutboxMessage.payload).where(
            OutboxMessage.topic == notify.SEND_EMAIL).order_by(OutboxMessage.id)).all()
    return [(p["to"], p["context"]) for p in payloads if p["template"] == campaign_review.TEMPLATE]


def send_outbox(app):
    """Run notify.send_email on each SEND_EMAIL message of the outbox, as the relay would."""
    with app.app_context():
        payloads = db.session.scalars(sa.select(OutboxMessage.payload).where(
            OutboxMessage.topic == notify.SEND_EMAIL).order_by(OutboxMessage.id)).all()
        for payload in payloads:
            tasks.send_email.run(payload)


def officer(app):
    """A logged-in communications officer's client and email."""
    client = app.test_client()
    return client, login_as(app, client, "communications")


def test_a_scheduled_newsletter_from_the_announcement_is_unscheduled_and_its_line_updated(
        notify_app, fast_passwords):  # noqa: F811
    client, _email = officer(notify_app)
    campaign_id = scheduled(notify_app, client)
    was = stored(notify_app, campaign_id).scheduled_at
    assert when(notify_app, STARTS) in stored(notify_app, campaign_id).content["fi"]["body"]

    assert run(notify_app, tasks.follow_event_change, changed(starts=MOVED)) == 1

    campaign = stored(notify_app, campaign_id)
    assert campaign.status == CampaignStatus.DRAFT
    assert campaign.scheduled_at == was  # kept as "was scheduled for"
    assert (campaign.review_kind, campaign.review_event_id) == ("changed", 1)
    assert campaign.review_changes == ["starts_at", "ends_at"]
    assert campaign.review_reason == "Moved" and campaign.review_block_updated
    body = campaign.content["fi"]["body"]
    assert when(notify_app, MOVED) in body and when(notify_app, STARTS) not in body
    assert "- Budget 2032" in body and URL in body  # the rest of the block stays
    with notify_app.app_context():  # beat's tick does not start a draft
        assert delivery.start_due(now=was + dt.timedelta(days=1)) == []
    listed = {c["id"]: c for c in client.get("/api/v1/campaigns").json}  # the staff API too
    flag = listed[campaign_id]["review"]
    assert (flag["kind"], flag["event_id"], flag["changed"]) == ("changed", 1, ["starts_at", "ends_at"])
    assert flag["reason"] == "Moved" and flag["generated_text_updated"] is True


def test_a_hand_edited_date_line_is_not_rewritten_but_the_newsletter_is_stopped(
        notify_app, fast_passwords):  # noqa: F811
    client, _email = officer(notify_app)
    body = f"Tervetuloa syysfoorumiin {when(notify_app, STARTS)}, kaupungintalolle!\n\n[Lue lisää]({URL})"
    campaign_id = scheduled(notify_app, client, body=body, announcement_id=None)
    run(notify_app, tasks.follow_event_change, changed(starts=MOVED))
    campaign = stored(notify_app, campaign_id)
    assert campaign.status == CampaignStatus.DRAFT and campaign.review_kind == "changed"
    assert campaign.content["fi"]["body"] == body and not campaign.review_block_updated


def test_a_newsletter_naming_the_forum_s_url_is_flagged_but_not_another_forum_s(
        notify_app, fast_passwords):  # noqa: F811
    client, _email = officer(notify_app)
    announced(notify_app)
    mentions = compose(client, f"Ilmoittaudu: {URL}/register")
    other = compose(client, "Toinen foorumi: http://localhost/registration/events/12")
    run(notify_app, tasks.follow_event_change, changed(starts=MOVED))
    assert stored(notify_app, mentions).review_kind == "changed"
    assert stored(notify_app, other).review_kind is None


def test_the_communications_staff_are_emailed_once_through_smtp(smtp_app, smtp,
                                                                fast_passwords):  # noqa: F811
    client, author = officer(smtp_app)
    colleague, _password = create_staff(smtp_app, "communications")
    create_staff(smtp_app, "moderator")  # not told
    campaign_id = scheduled(smtp_app, client)
    payload = changed(starts=MOVED)
    run(smtp_app, tasks.follow_event_change, payload)
    run(smtp_app, tasks.follow_event_change, payload)  # redelivered
    send_outbox(smtp_app)
    send_outbox(smtp_app)  # the emails' own redelivery
    assert smtp.recorder.counts() == {author: 1, colleague: 1}
    (message,) = smtp.recorder.received(author)
    assert message["Subject"] == "Tarkista uutiskirje: Autumn provider forum muuttui"
    text = message.get_body(("plain",)).get_content()
    assert "Uutiskirjeessä ”Syysfoorumi” mainitaan foorumi Autumn provider forum." in text
    assert "Alkaa, Päättyy" in text and "Moved" in text
    assert "ajastus peruttiin" in text and "päivitettiin uusiin" in text
    assert f"http://localhost/notify/staff/campaigns/{campaign_id}" in text
    with smtp_app.app_context():
        rows = db.session.scalars(sa.select(OutgoingEmail).where(
            OutgoingEmail.template == campaign_review.TEMPLATE)).all()
    assert len(rows) == 2


def test_redelivery_and_an_older_change_have_no_second_effect(notify_app,
                                                               fast_passwords):  # noqa: F811
    client, _email = officer(notify_app)
    campaign_id = scheduled(notify_app, client)
    payload = changed(starts=MOVED)
    run(notify_app, tasks.follow_event_change, payload)
    emails = len(review_emails(notify_app))
    client.post(f"/staff/campaigns/{campaign_id}/send", data={"send_at": LATER})  # looked, rescheduled
    assert stored(notify_app, campaign_id).review_kind is None
    run(notify_app, tasks.follow_event_change, payload)  # redelivered
    stale = changed(starts=STARTS + dt.timedelta(days=1),
                    occurred_at=utcnow() - dt.timedelta(hours=1))
    assert run(notify_app, tasks.follow_event_change, stale) is None
    campaign = stored(notify_app, campaign_id)
    assert campaign.status == CampaignStatus.SCHEDULED and campaign.review_kind is None
    assert when(notify_app, MOVED) in campaign.content["fi"]["body"]
    assert len(review_emails(notify_app)) == emails


def test_a_cancelled_forum_flags_its_newsletters_which_can_still_be_sent_by_hand(
        notify_app, fast_passwords):  # noqa: F811
    client, _email = officer(notify_app)
    campaign_id = scheduled(notify_app, client)
    draft_id = compose(client, "Luonnos", _announcement_id(notify_app))
    assert run(notify_app, tasks.withdraw_cancelled_forum, cancelled()) == 1
    for cid in (campaign_id, draft_id):
        campaign = stored(notify_app, cid)
        assert (campaign.status, campaign.review_kind) == (CampaignStatus.DRAFT, "cancelled")
        assert campaign.review_reason == "Too few registrations"
    assert when(notify_app, STARTS) in stored(notify_app, campaign_id).content["fi"]["body"]  # not rewritten
    assert {c["kind"] for _to, c in review_emails(notify_app)} == {"cancelled"}
    add_subscriber(notify_app, "yritys@example.fi")
    client.post(f"/staff/campaigns/{campaign_id}/send", data={})  # sent by hand, now
    assert drain(notify_app, campaign_id) == CampaignStatus.SENT


def _announcement_id(app):
    """Forum 1's announcement id."""
    with app.app_context():
        return announcements.event_announcement(1).id


def test_a_forum_made_targeted_stops_its_newsletters_without_rewriting_them(
        notify_app, fast_passwords):  # noqa: F811
    client, _email = officer(notify_app)
    campaign_id = scheduled(notify_app, client)
    before = stored(notify_app, campaign_id).content
    payload = {**changed(kind="targeted"), "changed": ["kind"]}
    run(notify_app, tasks.follow_event_change, payload)
    campaign = stored(notify_app, campaign_id)
    assert (campaign.status, campaign.review_kind) == (CampaignStatus.DRAFT, "targeted")
    assert campaign.content == before


def test_newsletters_sending_or_sent_are_left_alone_and_say_so(notify_app,
                                                               fast_passwords):  # noqa: F811
    client, _email = officer(notify_app)
    announcement_id = announced(notify_app)
    add_subscriber(notify_app, "yritys@example.fi")
    body = composer_block(notify_app, announcement_id)
    sent_id = compose(client, body, announcement_id)
    client.post(f"/staff/campaigns/{sent_id}/send", data={})
    assert drain(notify_app, sent_id) == CampaignStatus.SENT
    sending_id = compose(client, body, announcement_id)
    client.post(f"/staff/campaigns/{sending_id}/send", data={})
    with notify_app.app_context():
        delivery.start_due(campaign_id=sending_id)
    assert stored(notify_app, sending_id).status == CampaignStatus.SENDING
    body = stored(notify_app, sent_id).content["fi"]["body"]

    run(notify_app, tasks.follow_event_change, changed(starts=MOVED))

    for cid, status in ((sent_id, CampaignStatus.SENT), (sending_id, CampaignStatus.SENDING)):
        campaign = stored(notify_app, cid)
        assert campaign.status == status and campaign.content["fi"]["body"] == body
        assert campaign.review_kind == "changed" and not campaign.review_block_updated
    assert {c["action"] for _to, c in review_emails(notify_app)} == {"left_alone"}
    page = client.get(f"/staff/campaigns/{sent_id}", headers={"Accept-Language": "en"})
    assert "it was left as it is" in page.get_data(as_text=True)


def test_an_approved_newsletter_waiting_for_approval_goes_back_to_draft(make_app,
                                                                         fast_passwords):  # noqa: F811
    app = make_app("notify", NEWSLETTER_APPROVAL_REQUIRED=True)
    client, _email = officer(app)
    announcement_id = announced(app)
    campaign_id = compose(client, composer_block(app, announcement_id), announcement_id)
    client.post(f"/staff/campaigns/{campaign_id}/send", data={"send_at": LATER})
    assert stored(app, campaign_id).status == CampaignStatus.AWAITING_APPROVAL
    run(app, tasks.follow_event_change, changed(starts=MOVED))
    campaign = stored(app, campaign_id)
    assert campaign.status == CampaignStatus.DRAFT and campaign.approved_by is None


def test_the_flag_clears_when_the_officer_saves_the_newsletter(notify_app,
                                                               fast_passwords):  # noqa: F811
    client, _email = officer(notify_app)
    campaign_id = scheduled(notify_app, client)
    run(notify_app, tasks.follow_event_change, changed(starts=MOVED))
    body = stored(notify_app, campaign_id).content["fi"]["body"]
    response = client.post(f"/staff/campaigns/{campaign_id}/edit",
                           data={"subject_fi": "Syysfoorumi siirtyy", "body_fi": body})
    assert response.status_code == 302
    campaign = stored(notify_app, campaign_id)
    assert campaign.review_kind is None and campaign.review_changes is None
    assert campaign.status == CampaignStatus.DRAFT
    page = client.get(f"/staff/campaigns/{campaign_id}").get_data(as_text=True)
    assert 'id="review-flag"' not in page


def test_the_pages_show_the_flag_in_finnish_and_english(notify_app, fast_passwords):  # noqa: F811
    client, _email = officer(notify_app)
    campaign_id = scheduled(notify_app, client)
    run(notify_app, tasks.follow_event_change, changed(starts=MOVED))
    fi = client.get(f"/staff/campaigns/{campaign_id}").get_data(as_text=True)
    assert ("Foorumi muuttui tämän uutiskirjeen kirjoittamisen jälkeen: tarkista päivämäärä ja "
            "paikka ennen lähettämistä.") in fi
    assert "Alkaa, Päättyy" in fi and "Moved" in fi and "oli ajastettu:" in fi
    assert "päivitettiin uusiin" in fi
    en = client.get(f"/staff/campaigns/{campaign_id}",
                    headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert ("The forum changed after this newsletter was written: check the date and venue "
            "before sending.") in en
    assert "Starts, Ends" in en and "was scheduled for" in en
    listing = client.get("/staff/campaigns").get_data(as_text=True)
    assert "Tarkista: foorumi muuttui" in listing
    listing_en = client.get("/staff/campaigns", headers={"Accept-Language": "en"})
    assert "Check: the forum changed" in listing_en.get_data(as_text=True)


def test_html_in_the_change_s_reason_is_shown_as_text(notify_app, fast_passwords):  # noqa: F811
    client, _email = officer(notify_app)
    campaign_id = scheduled(notify_app, client)
    run(notify_app, tasks.follow_event_change,
        {**changed(starts=MOVED), "reason": "<script>alert(1)</script> Sali"})
    page = client.get(f"/staff/campaigns/{campaign_id}").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page


def test_a_change_of_a_forum_not_announced_here_yet_still_stops_its_newsletters(
        notify_app, fast_passwords):  # noqa: F811
    client, _email = officer(notify_app)
    body = f"Tervetuloa: http://localhost/registration/events/5\n\n{when(notify_app, STARTS)}"
    campaign_id = compose(client, body)
    client.post(f"/staff/campaigns/{campaign_id}/send", data={"send_at": LATER})
    assert run(notify_app, tasks.follow_event_change, changed(event_id=5, starts=MOVED)) is None
    campaign = stored(notify_app, campaign_id)
    assert (campaign.status, campaign.review_kind) == (CampaignStatus.DRAFT, "changed")
    assert campaign.content["fi"]["body"] == body  # nothing known to replace
