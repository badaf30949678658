"""Rendering, recording, claiming and sending a transactional email (services.notify.sending)."""

from email import message_from_bytes, policy
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from icalendar import Calendar
from marshmallow import ValidationError

from services.notify import sending
from services.notify.models import EmailStatus, OutgoingEmail, db
from shared.contracts import SCHEMAS, notify
from shared.mail import TransientFailure
from tests.notify.payloads import JOIN_URL, MANAGE_URL, email_payload


def load(payload):
    """The payload as the task sees it after its schema."""
    return SCHEMAS[notify.SEND_EMAIL]().load(payload)


def stored(email_id):
    """The row and its parsed MIME message."""
    row = db.session.get(OutgoingEmail, email_id, populate_existing=True)
    return row, message_from_bytes(row.mime, policy=policy.default)


def taken(payload):
    """The row and parsed MIME message that taking the payload records (and claims)."""
    return stored(sending.take(load(payload)).id)


def plain(text):
    """``text`` with the no-break spaces of CLDR's time formats as plain spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def rows():
    """Every stored email."""
    return db.session.scalars(sa.select(OutgoingEmail)).all()


class LangFinder(HTMLParser):
    """Collects the lang attributes and the link targets of an HTML document."""

    def __init__(self):
        super().__init__()
        self.langs, self.hrefs, self.tags = [], [], []

    def handle_starttag(self, tag, attrs):
        """Remember the tag, its lang and its href."""
        attrs = dict(attrs)
        self.tags.append(tag)
        if "lang" in attrs:
            self.langs.append(attrs["lang"])
        if tag == "a":
            self.hrefs.append(attrs.get("href"))


def parse_html(html):
    """A LangFinder fed with ``html``."""
    finder = LangFinder()
    finder.feed(html)
    return finder


#: templates that are not about an event, with the context their senders give and a phrase of it
OTHER_CONTEXTS = {
    "moderation_digest": ({"working_days": 2, "pending_overdue": 3, "reported_overdue": 1,
                           "oldest": [], "queue_url": "http://localhost/feedback/staff/moderation"},
                          "http://localhost/feedback/staff/moderation"),
    "newsletter_confirm": ({"confirm_url": "http://localhost/notify/subscribe/confirm/t0k",
                            "valid_hours": 72}, "http://localhost/notify/subscribe/confirm/t0k"),
    "newsletter_paused": ({"subject": "Autumn provider forum", "reason": "12 of 20 failed",
                           "campaign_url": "http://localhost/notify/staff/campaigns/1"},
                          "Autumn provider forum"),
}


def sample_payload(template, locale="en", **context):
    """A payload whose context fits ``template``, and a phrase its subject or body must carry."""
    extra, phrase = OTHER_CONTEXTS.get(template, ({}, "Autumn provider forum"))
    return email_payload(template, locale, **{**extra, **context}), phrase


@pytest.mark.parametrize("template", notify.TEMPLATES)
@pytest.mark.parametrize("locale", ["fi", "sv", "en"])
def test_every_template_renders_in_every_language(notify_app, template, locale):
    payload, phrase = sample_payload(
        template, locale, invitation_url="http://localhost/registration/events/1/register?invitation=x")
    with notify_app.app_context():
        row, msg = taken(payload)
        html = msg.get_body(("html",)).get_content()
        text = msg.get_body(("plain",)).get_content()
    assert row.locale == locale and row.template == template
    if template not in OTHER_CONTEXTS:
        assert phrase in row.subject
    assert phrase in text and phrase in html
    page = parse_html(html)
    assert page.tags[0] == "html" and page.langs[0] == locale
    assert "script" not in page.tags and "img" not in page.tags and "link" not in page.tags
    assert "src=" not in html and "url(" not in html  # no external resources
    assert "{{" not in text + html and "%(" not in text + html


def test_the_english_confirmation_says_what_happened_and_links_the_manage_page(notify_app):
    with notify_app.app_context():
        _, msg = taken(email_payload())
    text = plain(msg.get_body(("plain",)).get_content())
    html = msg.get_body(("html",)).get_content()
    assert msg["Subject"] == "Registration confirmed: Autumn provider forum"
    assert "Hello Maija Meikäläinen," in text
    assert "is confirmed. Your on-site seat is reserved." in text
    assert "Tuesday, October 14, 2031, 1:00 PM–4:00 PM (Finnish time)" in text  # 10 UTC = 13 EEST
    assert "Venue: Town hall, Main street 1" in text
    assert MANAGE_URL in text
    assert MANAGE_URL in parse_html(html).hrefs


def test_finnish_email_shows_the_time_in_helsinki_in_finnish(notify_app):
    with notify_app.app_context():
        _, msg = taken(email_payload(locale="fi"))
    text = plain(msg.get_body(("plain",)).get_content())
    assert "tiistai 14. lokakuuta 2031, 13.00–16.00" in text


@pytest.mark.parametrize("template", ["registration_confirmed", "registration_reminder",
                                      "registration_mode_changed",
                                      "registration_already_registered",
                                      "registration_event_changed"])
def test_remote_attendees_get_the_join_link(notify_app, template):
    with notify_app.app_context():
        _, msg = taken(
            email_payload(template, attendance_mode="remote", join_url=JOIN_URL))
    assert JOIN_URL in msg.get_body(("plain",)).get_content()
    assert JOIN_URL in parse_html(msg.get_body(("html",)).get_content()).hrefs


@pytest.mark.parametrize("template", notify.TEMPLATES)
def test_on_site_attendees_never_get_the_join_link(notify_app, template):
    # even a context that carried the link by mistake does not put it in an on-site email
    with notify_app.app_context():
        _, msg = taken(
            sample_payload(template, attendance_mode="onsite", join_url=JOIN_URL)[0])
    assert JOIN_URL.encode() not in msg.as_bytes()


def test_waitlisted_remote_join_link_waits_for_a_confirmed_status(notify_app):
    with notify_app.app_context():
        _, msg = taken(email_payload(
            "registration_mode_changed", attendance_mode="remote", status="waitlisted",
            join_url=JOIN_URL))
    assert JOIN_URL.encode() not in msg.as_bytes()


def test_event_text_is_escaped_in_the_html_body(notify_app):
    title = 'Forum <script>alert("x")</script> & <b>budget</b>'
    with notify_app.app_context():
        _, msg = taken(email_payload(event_title=title))
    html = msg.get_body(("html",)).get_content()
    assert "<script>" not in html and "<b>budget" not in html
    assert "&lt;script&gt;" in html
    assert title in msg.get_body(("plain",)).get_content()


def test_the_message_is_multipart_alternative_with_the_ics_attached(notify_app):
    with notify_app.app_context():
        _, msg = taken(email_payload())
    assert msg.get_content_type() == "multipart/mixed"
    assert msg.get_body(("plain",)) is not None and msg.get_body(("html",)) is not None
    assert any(p.get_content_type() == "multipart/alternative" for p in msg.iter_parts())
    (ics,) = list(msg.iter_attachments())
    assert ics.get_filename() == "foorumi.ics" and ics.get_content_type() == "text/calendar"
    event = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Autumn provider forum"
    assert msg["To"] == "Maija Meikäläinen <maija@example.fi>"


def test_a_redelivered_payload_keeps_one_row_and_is_not_sent_again(notify_app):
    payload = load(email_payload(to="Maija@Example.FI"))
    with notify_app.app_context():
        first = sending.take(payload)
        assert sending.send(first) == EmailStatus.SENT
        assert sending.take(payload) is None
        assert [(r.id, r.recipient, r.status, r.attempts) for r in rows()] == [
            (first.id, "maija@example.fi", EmailStatus.SENT, 1)]


def test_a_due_row_is_claimed_only_once(smtp_app, smtp):
    smtp.recorder.reply_for["maija@example.fi"] = "451 Try again later"
    payload = load(email_payload())
    with smtp_app.app_context():
        with pytest.raises(TransientFailure):
            sending.send(sending.take(payload))
        claimed = sending.take(payload)  # RETRYING: this delivery claims it
        assert sending.take(payload) is None  # SENDING now: another delivery does not
        row, _ = stored(claimed.id)
        assert (row.status, row.attempts, claimed.attempts) == (EmailStatus.SENDING, 2, 2)


def test_a_row_left_queued_is_claimed_once_and_its_stored_message_sent(smtp_app, smtp):
    # rows recorded QUEUED (the model's default) before they were inserted claimed
    payload = load(email_payload())
    with smtp_app.app_context():
        db.session.add(OutgoingEmail(
            message_id=str(payload["message_id"]), recipient="maija@example.fi",
            template=payload["template"], locale="en", subject="Stored before",
            mime=b"Subject: Stored before\r\n\r\nThe stored body.\r\n"))
        db.session.commit()
        claimed = sending.take(payload)
        assert claimed.attempts == 1 and claimed.mime.startswith(b"Subject: Stored before")
        assert sending.take(payload) is None
        assert sending.send(claimed) == EmailStatus.SENT
    (received,) = smtp.recorder.received("maija@example.fi")
    assert received["Subject"] == "Stored before"


def test_dev_mailbox_backend_marks_sent_without_smtp(notify_app, smtp):
    notify_app.config["SMTP_PORT"] = smtp.port  # would be used if the backend talked SMTP
    with notify_app.app_context():
        claimed = sending.take(load(email_payload()))
        assert sending.send(claimed) == EmailStatus.SENT
        row, _ = stored(claimed.id)
    assert row.status == EmailStatus.SENT and row.sent_at is not None
    assert smtp.recorder.received() == []


def test_smtp_delivery_marks_sent_after_the_servers_250(smtp_app, smtp):
    with smtp_app.app_context():
        claimed = sending.take(load(email_payload()))
        assert sending.send(claimed) == EmailStatus.SENT
        row, _ = stored(claimed.id)
    assert row.status == EmailStatus.SENT and row.last_error is None
    (msg,) = smtp.recorder.received("maija@example.fi")
    assert msg["Subject"] == "Registration confirmed: Autumn provider forum"


def test_hard_bounce_is_failed_and_not_retried(smtp_app, smtp):
    smtp.recorder.reply_for["maija@example.fi"] = "550 No such user"
    payload = load(email_payload())
    with smtp_app.app_context():
        claimed = sending.take(payload)
        assert sending.send(claimed) == EmailStatus.FAILED
        row, _ = stored(claimed.id)
        assert sending.take(payload) is None
    assert row.status == EmailStatus.FAILED and row.last_error.startswith("550")


def test_soft_bounce_retries_until_the_limit_then_fails(smtp_app, smtp):
    smtp.recorder.reply_for["maija@example.fi"] = "451 Try again later"
    payload = load(email_payload())
    with smtp_app.app_context():
        for attempt in (1, 2):
            claimed = sending.take(payload)
            assert claimed.attempts == attempt
            with pytest.raises(TransientFailure):
                sending.send(claimed)
            row, _ = stored(claimed.id)
            assert (row.status, row.attempts) == (EmailStatus.RETRYING, attempt)
        claimed = sending.take(payload)
        assert sending.send(claimed) == EmailStatus.FAILED  # MAIL_MAX_RETRIES=3
        row, _ = stored(claimed.id)
        assert sending.take(payload) is None
    assert row.attempts == 3 and row.last_error.startswith("451")
    assert smtp.recorder.received() == []


def test_broken_attachment_is_refused_and_nothing_is_stored(notify_app):
    payload = email_payload(attachments=[{"filename": "x.ics", "content_type": "text/calendar",
                                          "content_base64": "not base64!"}])
    with notify_app.app_context():
        with pytest.raises(ValidationError):
            sending.take(load(payload))
        assert rows() == []


def test_taking_a_new_email_records_it_claimed_in_one_go(notify_app):
    payload = load(email_payload())
    with notify_app.app_context():
        claimed = sending.take(payload)
        db.session.remove()  # what was taken is committed
        row, msg = stored(claimed.id)
        assert (row.status, row.attempts, claimed.attempts) == (EmailStatus.SENDING, 1, 1)
        assert claimed.mime == row.mime and msg["Subject"].startswith("Registration confirmed")
        assert sending.take(payload) is None  # a redelivery while it is being sent


def test_a_retry_sends_the_message_stored_the_first_time(smtp_app, smtp):
    smtp.recorder.reply_for["maija@example.fi"] = "451 Try again later"
    payload = load(email_payload())
    with smtp_app.app_context():
        first = sending.take(payload)
        with pytest.raises(TransientFailure):
            sending.send(first)
        del smtp.recorder.reply_for["maija@example.fi"]
        again = sending.take(payload)
        assert (again.id, again.attempts, again.mime) == (first.id, 2, first.mime)
        assert sending.send(again) == EmailStatus.SENT
        assert sending.take(payload) is None
        _, msg = stored(first.id)
    (received,) = smtp.recorder.received("maija@example.fi")
    assert received["Message-ID"] == msg["Message-ID"]
