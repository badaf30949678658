"""A forum's series partners get its announcement once each, in the county's default language,
and a newsletter started from the announcement targets the series' segment."""

import datetime as dt

import sqlalchemy as sa

from services.notify import partners, tasks
from services.notify.models import Announcement, OutboxMessage, OutgoingEmail, db
from shared.contracts import notify
from shared.testing.fixtures import login_as
from tests.notify.announcing import event_published

PARTNERS = [{"name": "Yrittäjäyhdistys", "email": "Toimisto@Yrittajat.example"},
            {"name": "Kauppakamari", "email": "info@kauppakamari.example"},
            {"name": "Kauppakamari again", "email": "info@kauppakamari.example"}]


def series(**changes):
    """The ``series`` of an event.published payload, with three partner rows (two addresses)."""
    return {"slug": "palveluntuottajafoorumi", "name": "Palveluntuottajafoorumi",
            "working_body": "Valmisteleva työryhmä", "newsletter_segment": "budget",
            "comment_window_days": 10, "recording_visible_days": 14,
            "memo_recipients": [], "partners": PARTNERS, **changes}


def published(**changes):
    """An event.published payload of a forum of the series."""
    return {**event_published(), "series": series(), **changes}


def announce(app, payload):
    """Run the receiving task as a worker would."""
    with app.app_context():
        return tasks.announce_event(payload)


def send_outbox(app):
    """Run notify.send_email on every SEND_EMAIL message in notify's outbox; how many."""
    with app.app_context():
        payloads = db.session.scalars(sa.select(OutboxMessage.payload).where(
            OutboxMessage.topic == notify.SEND_EMAIL).order_by(OutboxMessage.id)).all()
        for payload in payloads:
            tasks.send_email.run(payload)
        return len(payloads)


def test_each_partner_is_emailed_once_through_smtp(smtp_app, smtp):
    announce(smtp_app, published())
    assert send_outbox(smtp_app) == 2
    assert smtp.recorder.counts() == {"toimisto@yrittajat.example": 1,
                                      "info@kauppakamari.example": 1}
    (message,) = smtp.recorder.received("toimisto@yrittajat.example")
    assert message["Subject"] == "Foorumi julkaistu: Autumn provider forum"  # fi, the default
    body = message.get_body(("plain",)).get_content()
    assert "Hei Yrittäjäyhdistys," in body
    assert "Palveluntuottajafoorumi" in body and "http://localhost/registration/events/1" in body
    assert body.index("- Budget 2032") < body.index("- Procurement plan")
    assert "viestintäkumppani" in body


def test_redelivery_and_a_later_announcement_send_no_second_copy(smtp_app, smtp):
    payload = published()
    announce(smtp_app, payload)
    announce(smtp_app, payload)  # redelivered: the consumer's dedupe
    announce(smtp_app, published(title="Autumn forum, new agenda"))  # the agenda changed
    assert send_outbox(smtp_app) == 2
    send_outbox(smtp_app)  # the emails' own redelivery: at most once per (message, recipient)
    assert smtp.recorder.counts() == {"toimisto@yrittajat.example": 1,
                                      "info@kauppakamari.example": 1}
    with smtp_app.app_context():
        assert len(db.session.scalars(sa.select(OutgoingEmail)).all()) == 2


def test_the_partners_language_is_the_default_locale(smtp_app, smtp):
    smtp_app.config["DEFAULT_LOCALE"] = "sv"
    announce(smtp_app, published())
    send_outbox(smtp_app)
    (message,) = smtp.recorder.received("info@kauppakamari.example")
    assert message["Subject"] == "Forum publicerat: Autumn provider forum"
    assert "kommunikationspartner" in message.get_body(("plain",)).get_content()


def test_a_forum_without_series_or_partners_emails_nobody(notify_app):
    announce(notify_app, event_published())
    announce(notify_app, {**event_published(event_id=2), "series": series(partners=[])})
    with notify_app.app_context():
        assert db.session.scalars(sa.select(OutboxMessage)).all() == []


def test_a_forum_that_has_started_is_not_announced_to_partners(notify_app):
    past = dt.datetime(2020, 10, 14, 10, 0, tzinfo=dt.UTC)
    announce(notify_app, {**event_published(starts=past), "series": series()})  # announce-again
    with notify_app.app_context():
        assert db.session.scalars(sa.select(OutboxMessage)).all() == []


def test_a_targeted_session_emails_no_partner(notify_app):
    assert announce(notify_app, published(kind="targeted")) is None
    with notify_app.app_context():
        assert db.session.scalars(sa.select(OutboxMessage)).all() == []


def test_the_partner_message_id_is_per_forum_and_address():
    assert partners.message_id(1, "A@x.example") == partners.message_id(1, "a@x.example ")
    assert partners.message_id(1, "a@x.example") != partners.message_id(2, "a@x.example")


def test_the_announcement_carries_the_series_segment(notify_app):
    announce(notify_app, published())
    announce(notify_app, {**event_published(event_id=2), "series": series(newsletter_segment="")})
    announce(notify_app, {**event_published(event_id=3),
                          "series": series(newsletter_segment="no-such-code")})
    with notify_app.app_context():
        segments = dict(db.session.execute(sa.select(Announcement.source_id,
                                                     Announcement.segment)).all())
    assert segments == {1: {"themes": ["budget"]}, 2: {}, 3: {}}


def test_a_newsletter_from_the_announcement_targets_the_segment(notify_app):
    announce(notify_app, published())
    announce(notify_app, event_published(event_id=2))
    with notify_app.app_context():
        ids = dict(db.session.execute(sa.select(Announcement.source_id, Announcement.id)).all())
    client = notify_app.test_client()
    login_as(notify_app, client, "communications")
    page = client.get(f"/staff/campaigns/new?announcement={ids[1]}").get_data(as_text=True)
    assert 'name="themes" value="budget" checked' in page
    assert 'value="strategy" checked' not in page
    page = client.get(f"/staff/campaigns/new?announcement={ids[2]}").get_data(as_text=True)
    assert " checked" not in page
