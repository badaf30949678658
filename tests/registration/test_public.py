"""The public pages: calendar, event page, .ics, registration form, manage link, downloads."""

import datetime as dt
import re

import pytest

from services.registration import operations
from services.registration.models import (
    AttendanceMode,
    EventKind,
    EventStatus,
    OutboxMessage,
    Registration,
    RegistrationStatus,
)
from shared.db import utcnow
from tests.registration.builders import (
    JOIN_URL,
    add_event,
    add_invitation,
    add_item,
    add_material,
    add_question,
    add_registration,
    count,
    english,
    fast_passwords,  # noqa: F401 - a fixture
    load,
    registration_form,
)

pytestmark = pytest.mark.usefixtures("fast_passwords")


@pytest.fixture
def app(make_app):
    """The registration service's app on the test databases."""
    return make_app("registration")


@pytest.fixture
def client(app):
    """A client that reads the pages in English."""
    return english(app)


def page(response):
    """The response body as text."""
    return response.get_data(as_text=True)


# -- the calendar and the event page


def test_calendar_lists_upcoming_and_past_forums_by_year_but_no_drafts_or_targeted(app, client):
    now = utcnow()
    add_event(app, title="Upcoming budget forum", onsite_capacity=5)
    add_event(app, title="Last spring's forum", status=EventStatus.HELD,
                 starts_at=now - dt.timedelta(days=200))
    add_event(app, title="Secret draft", status=EventStatus.DRAFT)
    add_event(app, title="Procurement X session", kind=EventKind.TARGETED)
    text = page(client.get("/"))
    assert "Upcoming budget forum" in text and "Last spring&#39;s forum" in text
    assert "5 on-site seats left." in text
    assert "Secret draft" not in text and "Procurement X session" not in text
    assert f">{(now + dt.timedelta(days=21)).year}</h3>" in text
    assert text.index("Upcoming forums") < text.index("Upcoming budget forum") < text.index(
        "Past forums") < text.index("Last spring")


def test_calendar_says_when_on_site_seats_are_full(app, client):
    event_id = add_event(app, onsite_capacity=1)
    add_registration(app, event_id)
    add_registration(app, event_id, email="w@example.fi", status=RegistrationStatus.WAITLISTED)
    text = page(client.get("/"))
    assert "On-site seats are full" in text and "1 person waiting." in text


def test_event_page_shows_agenda_material_and_seats_but_never_secrets(app, client):
    event_id = add_event(app, onsite_capacity=3)
    item_id = add_item(app, event_id, title="Budget 2027", description="See *the* plan")
    add_item(app, event_id, title="Service vouchers", presenter_name="Ville Voucher")
    add_material(app, item_id, filename="budget-2027.pdf")
    response = client.get(f"/events/{event_id}")
    text = page(response)
    assert response.status_code == 200
    assert "<h1>Budget forum</h1>" in text and "<strong>money</strong>" in text
    assert text.index("Budget 2027") < text.index("Service vouchers")
    assert "Presenter: Paula Presenter" in text and "<em>the</em>" in text
    assert "budget-2027.pdf" in text and "(PDF, 1 kB)" in text
    assert "3 on-site seats left." in text and "Registration is open." in text
    assert f'/events/{event_id}/register"' in text and f"/events/{event_id}.ics" in text
    assert JOIN_URL not in text and "paula@county.example" not in text


def test_an_empty_agenda_promises_the_lead_time_of_the_policy_setting(make_app):
    app = make_app("registration", POLICY_PUBLISH_LEAD_DAYS=10)
    event_id = add_event(app)
    assert "published at least 10 days before the forum" in page(
        english(app).get(f"/events/{event_id}"))


def test_event_page_says_registration_is_closed_after_it_closes(app, client):
    event_id = add_event(app, registration_closes_at=utcnow() - dt.timedelta(hours=1))
    text = page(client.get(f"/events/{event_id}"))
    assert "Registration is closed." in text and f"/events/{event_id}/register" not in text


def test_event_description_is_sanitized(app, client):
    event_id = add_event(app, description='<script>alert(1)</script> [x](javascript:alert(1))')
    text = page(client.get(f"/events/{event_id}"))
    assert "<script>alert(1)" not in text and 'href="javascript' not in text


@pytest.mark.parametrize("status", [EventStatus.DRAFT])
def test_draft_and_unknown_events_are_not_found(app, client, status):
    event_id = add_event(app, status=status)
    assert client.get(f"/events/{event_id}").status_code == 404
    assert client.get(f"/events/{event_id}/register").status_code == 404
    assert client.get(f"/events/{event_id}.ics").status_code == 404
    assert client.get("/events/999999").status_code == 404


def test_cancelled_event_says_so_and_takes_no_registrations(app, client):
    event_id = add_event(app, status=EventStatus.CANCELLED)
    assert "This event has been cancelled." in page(client.get(f"/events/{event_id}"))
    response = client.post(f"/events/{event_id}/register", data=registration_form())
    assert response.status_code == 409 and "Registration is closed" in page(response)
    assert count(app, Registration) == 0


def test_targeted_session_opens_only_with_a_valid_invitation(app, client):
    event_id = add_event(app, kind=EventKind.TARGETED, title="Voucher session")
    token = add_invitation(app, event_id)
    assert client.get(f"/events/{event_id}").status_code == 404
    assert client.get(f"/events/{event_id}?invitation=wrong").status_code == 404
    assert client.get(f"/events/{event_id}?invitation={'x' * 100}").status_code == 404
    assert client.post(f"/events/{event_id}/register", data=registration_form()).status_code == 404
    text = page(client.get(f"/events/{event_id}?invitation={token}"))
    assert "Voucher session" in text and f"register?invitation={token}" in text
    form = page(client.get(f"/events/{event_id}/register?invitation={token}"))
    assert f'name="invitation" value="{token}"' in form
    response = client.post(f"/events/{event_id}/register",
                           data=registration_form(invitation=token))
    assert response.status_code == 202 and "Check your email" in page(response)
    assert f"/events/{event_id}?invitation={token}" in page(response)
    assert count(app, Registration) == 1


def test_recording_shows_for_its_days_then_says_it_has_expired(app, client):
    now = utcnow()
    shown = add_event(app, title="Recent", status=EventStatus.HELD,
                         starts_at=now - dt.timedelta(days=5),
                         recording_url="https://video.example/rec1",
                         recording_published_at=now - dt.timedelta(days=3))
    old = add_event(app, title="Old", status=EventStatus.HELD,
                       starts_at=now - dt.timedelta(days=40),
                       recording_url="https://video.example/rec2",
                       recording_published_at=now - dt.timedelta(days=15))
    text = page(client.get(f"/events/{shown}"))
    assert "https://video.example/rec1" in text and "can be viewed until" in text
    text = page(client.get(f"/events/{old}"))
    assert "https://video.example/rec2" not in text and "The recording has expired." in text


def test_ics_download_is_a_calendar_without_the_join_link(app, client):
    event_id = add_event(app)
    response = client.get(f"/events/{event_id}.ics")
    assert response.status_code == 200
    assert response.mimetype == "text/calendar"
    assert "attachment" in response.headers["Content-Disposition"]
    body = page(response)
    assert "BEGIN:VCALENDAR" in body and "SUMMARY:Budget forum" in body and JOIN_URL not in body


# -- the registration form


def test_registration_form_has_every_field_labelled(app, client):
    event_id = add_event(app)
    short = add_question(app, event_id, "short_text", "Your role?", required=True)
    long_ = add_question(app, event_id, "long_text", "What should we discuss?")
    single = add_question(app, event_id, "single_choice", "Size?", options=["Small", "Large"])
    multi = add_question(app, event_id, "multiple_choice", "Services?", options=["Home", "Day"])
    box = add_question(app, event_id, "checkbox", "Staying for coffee?")
    text = page(client.get(f"/events/{event_id}/register"))
    for name in ("name", "email", "organisation", "business_id", "municipality",
                 "dietary_needs", "accessibility_needs", "privacy_consent", "newsletter_opt_in",
                 f"q_{short}", f"q_{long_}", f"q_{box}"):
        assert f'<label for="{name}">' in text, name
    assert f'<input id="q_{short}" name="q_{short}" type="text" value="" required' in text
    assert f'<textarea id="q_{long_}" name="q_{long_}"' in text
    assert f'type="radio" id="q_{single}-2" name="q_{single}" value="Large"' in text
    assert f'type="checkbox" id="q_{multi}-1" name="q_{multi}" value="Home"' in text
    assert "<legend>How will you attend?" in text and "<legend>Size?" in text
    assert 'href="/privacy"' in text
    honeypot = re.search(r'<div class="honeypot"[^>]*>.*?</div>', text, re.S).group(0)
    assert 'aria-hidden="true"' in honeypot
    assert 'tabindex="-1"' in honeypot and 'autocomplete="off"' in honeypot


def test_valid_registration_is_stored_and_its_manage_link_goes_by_email(app, client):
    event_id = add_event(app)
    q1 = add_question(app, event_id, "single_choice", "Size?", required=True,
                      options=["Small", "Large"])
    q2 = add_question(app, event_id, "multiple_choice", "Services?", options=["Home", "Day"])
    q3 = add_question(app, event_id, "checkbox", "Coffee?")
    form = registration_form(**{f"q_{q1}": "Large", f"q_{q2}": ["Home", "Day"], f"q_{q3}": "y",
                                "newsletter_opt_in": "y", "email": " Maija@Example.FI "})
    response = client.post(f"/events/{event_id}/register", data=form)
    assert response.status_code == 202 and "Location" not in response.headers
    assert "Check your email" in page(response) and "/manage/" not in page(response)
    with app.app_context():
        from services.registration.models import db

        registration = db.session.query(Registration).one()
        assert registration.email == "maija@example.fi"
        assert registration.status == RegistrationStatus.CONFIRMED
        assert registration.answers == {str(q1): "Large", str(q2): ["Home", "Day"], str(q3): True}
        assert registration.locale == "en" and registration.business_id == "0737546-2"
        token = registration.manage_token
    email = [m.payload for m in _outbox(app) if m.topic == "notify.send_email"]
    assert [(e["to"], e["template"]) for e in email] == [("maija@example.fi",
                                                          "registration_confirmed")]
    assert email[0]["context"]["manage_url"].endswith(f"/manage/{token}")
    text = page(client.get(f"/manage/{token}"))
    assert "Confirmed" in text and "Maija Meikäläinen" in text and "Home, Day" in text
    assert "notify.request_subscription" in [m.topic for m in _outbox(app)]


def _outbox(app):
    """The outbox rows written so far, in order."""
    from services.registration.models import db

    with app.app_context():
        return db.session.query(OutboxMessage).order_by(OutboxMessage.id).all()


def test_a_full_event_puts_the_registrant_on_the_waiting_list_and_emails_the_place(app, client):
    event_id = add_event(app, onsite_capacity=1)
    add_registration(app, event_id)
    response = client.post(f"/events/{event_id}/register", data=registration_form())
    assert response.status_code == 202 and "Check your email" in page(response)
    assert "number 1" not in page(response)
    assert count(app, Registration, Registration.status == RegistrationStatus.WAITLISTED) == 1
    email = [m.payload for m in _outbox(app) if m.topic == "notify.send_email"]
    assert [e["template"] for e in email] == ["registration_waitlisted"]
    assert email[0]["context"]["waitlist_position"] == 1


def test_registering_twice_makes_one_row_and_emails_the_link_again(app, client):
    event_id = add_event(app)
    first = client.post(f"/events/{event_id}/register", data=registration_form())
    second = client.post(f"/events/{event_id}/register",
                         data=registration_form(email="MAIJA@example.fi", name="Someone else"))
    assert (second.status_code, page(second)) == (first.status_code, page(first))
    assert "/manage/" not in page(second)
    assert count(app, Registration) == 1
    email = [m.payload for m in _outbox(app) if m.topic == "notify.send_email"]
    assert [(e["to"], e["template"]) for e in email] == [
        ("maija@example.fi", "registration_confirmed"),
        ("maija@example.fi", "registration_already_registered")]
    assert email[1]["context"]["manage_url"] == email[0]["context"]["manage_url"]
    assert email[1]["context"]["name"] == "Maija Meikäläinen"


BAD_INPUT = [
    ("name", {"name": ""}, "This field is required."),
    ("name", {"name": "   "}, "This field is required."),
    ("email", {"email": "not-an-email"}, "Enter a valid email address."),
    ("business_id", {"business_id": "1234567-8"}, "Enter a valid business ID"),
    ("business_id", {"business_id": "abc"}, "Enter a valid business ID"),
    ("municipality", {"municipality": None}, "This field is required."),
    ("attendance_mode", {"attendance_mode": "balcony"}, "Choose on-site or remote attendance."),
    ("attendance_mode", {"attendance_mode": None}, "This field is required."),
    ("privacy_consent", {"privacy_consent": None}, "You must accept the privacy notice"),
    ("name", {"name": "x" * 201}, "at most 200 characters"),
]


@pytest.mark.parametrize(("field", "change", "message"), BAD_INPUT)
def test_bad_input_is_shown_next_to_its_field_and_stores_nothing(app, client, field, change,
                                                                  message):
    event_id = add_event(app)
    response = client.post(f"/events/{event_id}/register", data=registration_form(**change))
    text = page(response)
    assert response.status_code == 422
    assert 'class="error-summary" role="alert"' in text and f'href="#{field}"' in text
    error = re.search(rf'<p class="field-error" id="{field}-error">(.*?)</p>', text, re.S)
    assert error and message in error.group(1)
    assert f'aria-describedby="{field}' in text or f'aria-describedby="{field}-hint' in text
    assert count(app, Registration) == 0 and _outbox(app) == []


def test_bad_answers_are_shown_next_to_their_questions(app, client):
    event_id = add_event(app)
    required = add_question(app, event_id, "short_text", "Your role?", required=True)
    choice = add_question(app, event_id, "single_choice", "Size?", options=["Small", "Large"])
    box = add_question(app, event_id, "checkbox", "Accept the rules?", required=True)
    response = client.post(f"/events/{event_id}/register",
                           data=registration_form(**{f"q_{choice}": "Huge"}))
    text = page(response)
    assert response.status_code == 422
    for qid in (required, choice, box):
        assert f'id="q_{qid}-error"' in text and f'href="#q_{qid}"' in text
    assert "Choose one of the options." in text
    assert count(app, Registration) == 0


def test_html_in_the_form_is_shown_escaped(app, client):
    event_id = add_event(app)
    response = client.post(f"/events/{event_id}/register", data=registration_form(
        name="<script>alert(1)</script>", email="bad"))
    text = page(response)
    assert response.status_code == 422
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)" in text
    ok = client.post(f"/events/{event_id}/register",
                     data=registration_form(name="<b onmouseover=x>Bo</b>"))
    assert ok.status_code == 202
    (token,) = [m.payload["context"]["manage_url"].rsplit("/", 1)[1] for m in _outbox(app)
                if m.topic == "notify.send_email"]
    manage = page(client.get(f"/manage/{token}"))
    assert "<b onmouseover" not in manage and "&lt;b onmouseover=x&gt;Bo" in manage


def test_an_oversized_post_is_refused(make_app):
    app = make_app("registration", FORM_MAX_BYTES=1024)
    event_id = add_event(app)
    response = english(app).post(f"/events/{event_id}/register",
                                 data=registration_form(dietary_needs="x" * 2000))
    assert response.status_code == 413 and "The request is too large." in page(response)
    assert count(app, Registration) == 0


def test_honeypot_drops_bots_silently_with_the_answer_people_get(app, client):
    event_id = add_event(app)
    response = client.post(f"/events/{event_id}/register",
                           data=registration_form(website="http://spam.example"))
    assert count(app, Registration) == 0 and _outbox(app) == []
    person = client.post(f"/events/{event_id}/register", data=registration_form())
    assert (response.status_code, page(response)) == (202, page(person))


def test_closed_registration_answers_409_and_stores_nothing(app, client):
    event_id = add_event(app, registration_closes_at=utcnow() - dt.timedelta(minutes=1))
    assert client.get(f"/events/{event_id}/register").status_code == 409
    response = client.post(f"/events/{event_id}/register", data=registration_form())
    assert response.status_code == 409 and "Registration is closed" in page(response)
    assert count(app, Registration) == 0


def test_busy_seats_answer_503_and_store_nothing(app, client, monkeypatch):
    event_id = add_event(app)

    def busy(event_id):
        raise operations.SeatsBusy()

    monkeypatch.setattr(operations, "lock_seats", busy)
    response = client.post(f"/events/{event_id}/register", data=registration_form())
    assert response.status_code == 503 and "Please try again" in page(response)
    assert count(app, Registration) == 0


def test_a_post_without_csrf_token_is_refused(make_app):
    app = make_app("registration", WTF_CSRF_ENABLED=True)
    client = english(app)
    event_id = add_event(app)
    response = client.post(f"/events/{event_id}/register", data=registration_form())
    assert response.status_code == 400 and "The form has expired" in page(response)
    assert count(app, Registration) == 0
    form = page(client.get(f"/events/{event_id}/register"))
    token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
    ok = client.post(f"/events/{event_id}/register", data=registration_form(csrf_token=token))
    assert ok.status_code == 202 and count(app, Registration) == 1


# -- the manage link


def test_manage_page_shows_the_registration(app, client):
    event_id = add_event(app, onsite_capacity=1)
    qid = add_question(app, event_id, "short_text", "Your role?")
    add_registration(app, event_id, email="first@example.fi")
    _, token = add_registration(app, event_id, status=RegistrationStatus.WAITLISTED,
                                answers={str(qid): "CEO <b>"})
    text = page(client.get(f"/manage/{token}"))
    assert "On the waiting list" in text and "you are number 1 in line" in text
    assert "Your role?" in text and "CEO &lt;b&gt;" in text
    assert f"/manage/{token}/cancel" in text and f"/manage/{token}/mode" in text


@pytest.mark.parametrize("token", ["nope", "x" * 65, "token-reg@example.fi-but-longer"])
def test_unknown_manage_tokens_are_not_found(app, client, token):
    event_id = add_event(app)
    add_registration(app, event_id)
    assert client.get(f"/manage/{token}").status_code == 404
    assert client.get(f"/manage/{token}/cancel").status_code == 404
    assert client.post(f"/manage/{token}/cancel").status_code == 404
    assert client.post(f"/manage/{token}/mode", data={"attendance_mode": "remote"}).status_code \
        == 404
    assert count(app, Registration, Registration.status == RegistrationStatus.CANCELLED) == 0


def test_the_manage_links_posts_are_rate_limited_and_change_nothing_over_it(make_app):
    app = make_app("registration", RATELIMIT_ENABLED=True, RATELIMIT_PER_IP="2 per minute")
    client = english(app)
    reg_id, token = add_registration(app, add_event(app))
    for mode in ("remote", "onsite"):
        assert client.post(f"/manage/{token}/mode", data={"attendance_mode": mode}
                           ).status_code == 302
    response = client.post(f"/manage/{token}/mode", data={"attendance_mode": "remote"})
    assert response.status_code == 429 and "Too many attempts" in page(response)
    assert load(app, Registration, reg_id).attendance_mode == AttendanceMode.ONSITE
    statuses = [client.post(f"/manage/{token}/cancel").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]  # the cancel form has a budget of its own


def test_change_to_remote_and_back_follows_the_seat_rules(app, client):
    event_id = add_event(app, onsite_capacity=1)
    reg_id, token = add_registration(app, event_id)
    response = client.post(f"/manage/{token}/mode", data={"attendance_mode": "remote"},
                           follow_redirects=True)
    assert "registered to attend remotely" in page(response)
    add_registration(app, event_id, email="other@example.fi")  # takes the freed seat
    response = client.post(f"/manage/{token}/mode", data={"attendance_mode": "onsite"},
                           follow_redirects=True)
    assert "You are number 1 on the waiting list" in page(response)
    registration = load(app, Registration, reg_id)
    assert registration.attendance_mode == AttendanceMode.ONSITE
    assert registration.status == RegistrationStatus.WAITLISTED


@pytest.mark.parametrize("mode", ["", "balcony", "ONSITE"])
def test_bad_mode_is_refused_with_an_error_and_changes_nothing(app, client, mode):
    event_id = add_event(app)
    reg_id, token = add_registration(app, event_id)
    response = client.post(f"/manage/{token}/mode", data={"attendance_mode": mode})
    assert response.status_code == 422
    assert 'id="attendance_mode-error"' in page(response)
    assert load(app, Registration, reg_id).attendance_mode == AttendanceMode.ONSITE


def test_cancel_asks_first_then_cancels_once_and_promotes_the_next(app, client):
    event_id = add_event(app, onsite_capacity=1)
    reg_id, token = add_registration(app, event_id)
    waiting_id, _ = add_registration(app, event_id, email="w@example.fi",
                                     status=RegistrationStatus.WAITLISTED)
    confirm = client.get(f"/manage/{token}/cancel")
    assert confirm.status_code == 200 and "Yes, cancel my registration" in page(confirm)
    assert load(app, Registration, reg_id).status == RegistrationStatus.CONFIRMED
    done = client.post(f"/manage/{token}/cancel")
    assert done.status_code == 200 and "Registration cancelled" in page(done)
    assert load(app, Registration, reg_id).status == RegistrationStatus.CANCELLED
    assert load(app, Registration, waiting_id).status == RegistrationStatus.CONFIRMED
    messages = len(_outbox(app))
    again = client.post(f"/manage/{token}/cancel")
    assert again.status_code == 200 and len(_outbox(app)) == messages
    after = page(client.get(f"/manage/{token}"))
    assert "Cancelled" in after and f"/manage/{token}/mode" not in after
    refused = client.post(f"/manage/{token}/mode", data={"attendance_mode": "remote"})
    assert refused.status_code == 409
    assert load(app, Registration, reg_id).status == RegistrationStatus.CANCELLED


# -- background material


def test_material_downloads_with_its_type_and_a_safe_name(app, client):
    event_id = add_event(app)
    material_id = add_material(app, add_item(app, event_id), filename="talousarvio_2027.pdf")
    response = client.get(f"/materials/{material_id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == \
        "attachment; filename=talousarvio_2027.pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get("/materials/999999").status_code == 404


def test_material_of_a_draft_is_for_staff_only(app, client):
    from shared.testing.fixtures import login_as

    event_id = add_event(app, status=EventStatus.DRAFT)
    material_id = add_material(app, add_item(app, event_id))
    assert client.get(f"/materials/{material_id}").status_code == 404
    staff = english(app)
    login_as(app, staff, "secretary")
    assert staff.get(f"/materials/{material_id}").status_code == 200


def test_material_of_a_targeted_session_needs_the_invitation(app, client):
    event_id = add_event(app, kind=EventKind.TARGETED)
    token = add_invitation(app, event_id)
    material_id = add_material(app, add_item(app, event_id))
    assert client.get(f"/materials/{material_id}").status_code == 404
    assert client.get(f"/materials/{material_id}?invitation={token}").status_code == 200
