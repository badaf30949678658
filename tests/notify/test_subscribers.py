"""Subscribing on the public page: double opt-in, preferences, unsubscribe, bad input."""

import time

import pytest
import sqlalchemy as sa
from itsdangerous import TimestampSigner, URLSafeTimedSerializer

from services.notify import tasks
from services.notify.models import Subscriber, SubscriberStatus, db
from services.registration import operations
from services.registration.models import Event
from services.registration.models import OutboxMessage as RegistrationOutbox
from services.registration.models import db as registration_db
from shared.contracts import notify as contract
from tests.notify.newsletters import (
    add_subscriber,
    confirm_token,
    outbox_emails,
    subscriber_row,
)
from tests.registration.builders import add_event

FORM = {"email": " Maija@Example.FI ", "name": "Maija", "organisation": "Hoiva Oy",
        "locale": "sv", "industries": ["elderly_care", "home_care"], "regions": ["north"],
        "themes": ["budget"]}


def subscribers(app):
    """(email, status) of every subscriber."""
    with app.app_context():
        return [(s.email, s.status) for s in db.session.scalars(sa.select(Subscriber))]


def test_subscribe_stores_a_pending_subscriber_and_emails_the_link(notify_app):
    client = notify_app.test_client()
    response = client.post("/subscribe", data=FORM)
    assert response.status_code == 202
    row = subscriber_row(notify_app, "maija@example.fi")
    assert row.status == SubscriberStatus.PENDING
    assert (row.locale, row.industries, row.regions, row.themes) == (
        "sv", ["elderly_care", "home_care"], ["north"], ["budget"])
    (email,) = outbox_emails(notify_app, "newsletter_confirm")
    assert email["to"] == "maija@example.fi"
    assert email["locale"] == "sv"


def test_the_link_shows_a_page_on_get_and_confirms_on_post(notify_app):
    client = notify_app.test_client()
    client.post("/subscribe", data=FORM)
    token = confirm_token(notify_app, "maija@example.fi")
    page = client.get(f"/subscribe/confirm/{token}")
    assert page.status_code == 200
    assert b"<form" in page.data
    assert subscriber_row(notify_app, "maija@example.fi").status == SubscriberStatus.PENDING
    assert client.post(f"/subscribe/confirm/{token}").status_code == 200
    row = subscriber_row(notify_app, "maija@example.fi")
    assert row.status == SubscriberStatus.CONFIRMED
    assert row.confirmed_at is not None


def test_confirming_twice_is_harmless(notify_app):
    client = notify_app.test_client()
    client.post("/subscribe", data=FORM)
    token = confirm_token(notify_app, "maija@example.fi")
    client.post(f"/subscribe/confirm/{token}")
    again = client.post(f"/subscribe/confirm/{token}")
    assert again.status_code == 200
    assert b"<form" not in again.data
    assert subscribers(notify_app) == [("maija@example.fi", SubscriberStatus.CONFIRMED)]


def test_double_submit_keeps_one_subscriber(notify_app):
    client = notify_app.test_client()
    client.post("/subscribe", data=FORM)
    client.post("/subscribe", data=FORM)
    assert subscribers(notify_app) == [("maija@example.fi", SubscriberStatus.PENDING)]


def test_a_confirmed_address_is_not_emailed_again_and_the_answer_is_the_same(notify_app):
    add_subscriber(notify_app, "maija@example.fi")
    response = notify_app.test_client().post("/subscribe", data=FORM)
    assert response.status_code == 202
    assert outbox_emails(notify_app, "newsletter_confirm") == []


def test_unknown_and_tampered_tokens_answer_404(notify_app):
    client = notify_app.test_client()
    client.post("/subscribe", data=FORM)
    token = confirm_token(notify_app, "maija@example.fi")
    assert client.get("/subscribe/confirm/nonsense").status_code == 404
    assert client.post(f"/subscribe/confirm/{token[:-2]}xx").status_code == 404
    assert subscriber_row(notify_app, "maija@example.fi").status == SubscriberStatus.PENDING


class ThreeDaysAgo(TimestampSigner):
    """Signs as if it were 73 hours ago (the link lives 72)."""

    def get_timestamp(self):
        return int(time.time()) - 73 * 3600


def test_an_expired_link_answers_410_and_confirms_nothing(notify_app):
    client = notify_app.test_client()
    client.post("/subscribe", data=FORM)
    signer = URLSafeTimedSerializer("test-secret", salt="foorumi.subscribe_confirm",
                                    signer=ThreeDaysAgo)
    row = subscriber_row(notify_app, "maija@example.fi")
    token = signer.dumps({"subscriber_id": row.id, "jti": "a" * 32})
    assert client.get(f"/subscribe/confirm/{token}").status_code == 410
    assert client.post(f"/subscribe/confirm/{token}").status_code == 410
    assert subscriber_row(notify_app, "maija@example.fi").status == SubscriberStatus.PENDING


@pytest.mark.parametrize(("field", "value"), [
    ("email", "not-an-address"),
    ("email", ""),
    ("email", "a" * 250 + "@example.fi"),
    ("name", "x" * 201),
    ("organisation", "x" * 201),
    ("locale", "de"),
    ("industries", ["space_travel"]),
    ("regions", ["mars"]),
    ("themes", ["nope"]),
    ("name", "nul\x00byte"),
])
def test_bad_input_is_shown_next_to_the_field_and_stores_nothing(notify_app, field, value):
    response = notify_app.test_client().post("/subscribe", data={**FORM, field: value})
    assert response.status_code == 422
    assert f'id="{field}-error"'.encode() in response.data
    assert subscribers(notify_app) == []
    assert outbox_emails(notify_app) == []


def test_html_in_the_name_is_kept_as_text_and_escaped(notify_app):
    client = notify_app.test_client()
    client.post("/subscribe", data={**FORM, "name": "<script>alert(1)</script>"})
    row = subscriber_row(notify_app, "maija@example.fi")
    assert row.name == "<script>alert(1)</script>"
    page = client.get(f"/preferences/{row.token}")
    assert b"<script>alert(1)" not in page.data
    assert b"&lt;script&gt;" in page.data


def test_the_honeypot_answers_like_success_and_stores_nothing(notify_app):
    response = notify_app.test_client().post("/subscribe", data={**FORM, "website": "spam"})
    assert response.status_code == 202
    assert subscribers(notify_app) == []


def test_a_registration_opt_in_follows_the_same_confirmation(notify_app):
    payload = {"message_id": "6f1d1a4e-7a3c-4a43-9a52-0c0f6b1f7a11",
               "occurred_at": "2031-01-01T10:00:00+00:00", "email": "Pekka@Example.fi",
               "name": "Pekka", "organisation": "Apu Oy", "locale": "en",
               "source": "registration:7"}
    with notify_app.app_context():
        tasks.request_subscription(payload)
    with notify_app.app_context():
        tasks.request_subscription(payload)  # redelivered: no second email
    row = subscriber_row(notify_app, "pekka@example.fi")
    assert (row.status, row.locale, row.source) == (SubscriberStatus.PENDING, "en", "registration:7")
    (email,) = outbox_emails(notify_app, "newsletter_confirm")
    assert email["to"] == "pekka@example.fi"
    token = confirm_token(notify_app, "pekka@example.fi")
    notify_app.test_client().post(f"/subscribe/confirm/{token}")
    assert subscriber_row(notify_app, "pekka@example.fi").status == SubscriberStatus.CONFIRMED


def test_preferences_change_language_and_interests(notify_app):
    token = add_subscriber(notify_app, "maija@example.fi", locale="fi")
    client = notify_app.test_client()
    assert client.get(f"/preferences/{token}").status_code == 200
    response = client.post(f"/preferences/{token}", data={
        "name": "Maija M", "organisation": "", "locale": "en", "regions": ["south", "east"]})
    assert response.status_code == 302
    row = subscriber_row(notify_app, "maija@example.fi")
    assert (row.name, row.locale, row.regions, row.industries) == (
        "Maija M", "en", ["south", "east"], [])
    bad = client.post(f"/preferences/{token}", data={"locale": "xx"})
    assert bad.status_code == 422
    assert client.get("/preferences/unknown-token").status_code == 404


def test_unsubscribe_asks_on_get_and_acts_on_post(notify_app):
    token = add_subscriber(notify_app, "maija@example.fi")
    client = notify_app.test_client()
    assert client.get(f"/unsubscribe/{token}").status_code == 200
    assert subscriber_row(notify_app, "maija@example.fi").status == SubscriberStatus.CONFIRMED
    assert client.post(f"/unsubscribe/{token}").status_code == 200
    assert subscriber_row(notify_app, "maija@example.fi").status == SubscriberStatus.UNSUBSCRIBED
    assert client.post(f"/unsubscribe/{token}").status_code == 200  # twice: the same
    assert client.post("/unsubscribe/unknown").status_code == 404


def test_one_click_unsubscribe_needs_no_csrf_token(make_app):
    app = make_app("notify", WTF_CSRF_ENABLED=True)
    token = add_subscriber(app, "maija@example.fi")
    client = app.test_client()
    assert client.post("/subscribe", data=FORM).status_code == 400  # other forms keep CSRF
    response = client.post(f"/unsubscribe/{token}", data="List-Unsubscribe=One-Click",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert subscriber_row(app, "maija@example.fi").status == SubscriberStatus.UNSUBSCRIBED


def test_subscribing_again_after_unsubscribing_needs_a_new_confirmation(notify_app):
    token = add_subscriber(notify_app, "maija@example.fi")
    client = notify_app.test_client()
    client.post(f"/unsubscribe/{token}")
    client.post("/subscribe", data=FORM)
    assert subscriber_row(notify_app, "maija@example.fi").status == SubscriberStatus.PENDING
    assert len(outbox_emails(notify_app, "newsletter_confirm")) == 1


def test_a_real_registration_opt_in_reaches_the_double_opt_in(make_app, notify_app):
    registration = make_app("registration")
    event_id = add_event(registration)
    with registration.app_context():
        event = registration_db.session.get(Event, event_id)
        operations.register(event, {"name": "Liisa", "email": "Liisa@Example.fi",
                                    "organisation": "Hoiva Oy", "municipality": "Kuopio",
                                    "attendance_mode": "remote", "newsletter_opt_in": True}, "sv")
        registration_db.session.commit()
        (payload,) = registration_db.session.scalars(
            sa.select(RegistrationOutbox.payload)
            .where(RegistrationOutbox.topic == contract.REQUEST_SUBSCRIPTION)).all()
    with notify_app.app_context():
        tasks.request_subscription(payload)
    row = subscriber_row(notify_app, "liisa@example.fi")
    assert (row.status, row.locale) == (SubscriberStatus.PENDING, "sv")
    assert row.source.startswith("registration")
    assert [e["to"] for e in outbox_emails(notify_app, "newsletter_confirm")] == ["liisa@example.fi"]
