"""The registration service's JSON API: every endpoint, its answers and its bad input."""

import datetime as dt

import pytest
import sqlalchemy as sa
from openapi_spec_validator import validate

from services.registration import operations
from services.registration.models import (
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
    db,
)
from shared.db import utcnow
from tests.registration.conftest import JOIN_URL, PRESENTER_EMAIL

EN = {"Accept-Language": "en"}
QUESTIONS = [
    {"kind": "single_choice", "label": "Sector", "required": True,
     "options": ["Elderly care", "Child welfare"]},
    {"kind": "short_text", "label": "Topic wishes", "required": False},
]


def body(**changes):
    """A valid registration body with ``changes`` (a value of None drops the field)."""
    data = {
        "name": "Maija Meikäläinen", "email": "maija@example.fi", "organisation": "Hoiva Oy",
        "business_id": "0112038-9", "municipality": "Kuopio", "attendance_mode": "onsite",
        "answers": {}, "privacy_consent": True, "newsletter_opt_in": False,
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def post_registration(client, event_id, data, **kwargs):
    """POST a registration to the API."""
    return client.post(f"/api/v1/events/{event_id}/registrations", json=data, **kwargs)


def email_templates(outbox):
    """The templates of the emails in the outbox, in order."""
    return [p["template"] for p in outbox("notify.send_email")]


def emailed_token(outbox, to="maija@example.fi"):
    """The manage token in the latest email to ``to`` (the API's answer never carries it)."""
    [*_, email] = [p for p in outbox("notify.send_email") if p["to"] == to]
    return email["context"]["manage_url"].rsplit("/", 1)[1]


def stored(app, email="maija@example.fi"):
    """The active registrations of ``email``, oldest first, detached from the session."""
    with app.app_context():
        rows = db.session.scalars(sa.select(Registration).where(Registration.email == email)
                                  .order_by(Registration.id)).all()
        db.session.expunge_all()
        return rows


def assert_received(response):
    """The one answer to a registration the API takes: 202, a status and a message, no details."""
    assert response.status_code == 202
    assert set(response.json) == {"status", "message"} and response.json["status"] == "received"


# -- GET events


def test_list_events_shows_published_forums_with_counts(client, create_event):
    forum = create_event(title="Budget forum")
    create_event(title="Draft", status=EventStatus.DRAFT)
    create_event(title="Cancelled", status=EventStatus.CANCELLED)
    create_event(title="Targeted", kind=EventKind.TARGETED)
    post_registration(client, forum, body(email="a@example.fi"))
    post_registration(client, forum, body(email="b@example.fi", attendance_mode="remote"))

    response = client.get("/api/v1/events")

    assert response.status_code == 200
    assert [e["title"] for e in response.json] == ["Budget forum"]
    event = response.json[0]
    assert event["id"] == forum
    assert (event["onsite_capacity"], event["onsite_confirmed"], event["onsite_waitlisted"],
            event["remote_registered"]) == (10, 1, 0, 1)
    assert event["registration_open"] is True
    assert event["url"] == f"http://localhost/registration/events/{forum}"
    assert {"starts_at", "ends_at", "venue", "kind", "theme"} <= set(event)
    assert "remote_join_url" not in event


def test_list_events_counts_waiting_list(client, create_event):
    forum = create_event(onsite_capacity=1)
    for n in range(3):
        post_registration(client, forum, body(email=f"p{n}@example.fi"))

    event = client.get("/api/v1/events").json[0]

    assert (event["onsite_confirmed"], event["onsite_waitlisted"]) == (1, 2)


# -- GET events/<id>


def test_show_event_has_agenda_materials_and_questions_but_no_secrets(client, create_event):
    forum = create_event(
        questions=QUESTIONS,
        agenda=[{"title": "Budget 2027", "presenter_name": "Finance director",
                 "materials": [("budget.pdf", "application/pdf", b"%PDF-1.4 x")]}],
    )

    response = client.get(f"/api/v1/events/{forum}")

    assert response.status_code == 200
    event = response.json
    assert event["description"] == "About the budget."
    item = event["agenda"][0]
    assert (item["title"], item["presenter_name"]) == ("Budget 2027", "Finance director")
    material = item["materials"][0]
    assert (material["filename"], material["content_type"], material["size"]) == (
        "budget.pdf", "application/pdf", 10)
    assert material["url"] == f"http://localhost/registration/materials/{material['id']}"
    assert [(q["kind"], q["label"], q["required"], q["options"]) for q in event["questions"]] == [
        ("single_choice", "Sector", True, ["Elderly care", "Child welfare"]),
        ("short_text", "Topic wishes", False, []),
    ]
    text = response.get_data(as_text=True)
    assert JOIN_URL not in text and PRESENTER_EMAIL not in text


@pytest.mark.parametrize("values", [
    {"status": EventStatus.DRAFT},
    {"status": EventStatus.CANCELLED},
    {"kind": EventKind.TARGETED},
])
def test_show_event_hides_unpublished_and_targeted(client, create_event, values):
    event = create_event(**values)

    response = client.get(f"/api/v1/events/{event}")

    assert response.status_code == 404
    assert response.json["code"] == 404
    assert response.json["message"]


def test_show_event_unknown_id_is_404_json(client):
    response = client.get("/api/v1/events/999999", headers=EN)

    assert response.status_code == 404
    assert response.json == {"code": 404, "message": "The page or item was not found."}


def test_targeted_session_opens_with_its_invitation(app, client, create_event, outbox):
    event_id = create_event(kind=EventKind.TARGETED)
    with app.app_context():
        invitation, _ = operations.invite(db.session.get(Event, event_id), "guest@example.fi")
        db.session.commit()
        token = invitation.token

    assert client.get(f"/api/v1/events/{event_id}?invitation=wrong").status_code == 404
    assert client.get(f"/api/v1/events/{event_id}?invitation={token}").status_code == 200
    response = post_registration(client, event_id, body(email="guest@example.fi"),
                                 query_string={"invitation": token})
    assert_received(response)
    assert [r.status for r in stored(app, "guest@example.fi")] == [RegistrationStatus.CONFIRMED]
    assert post_registration(client, event_id, body()).status_code == 404


# -- POST events/<id>/registrations


def test_register_onsite_is_confirmed_and_the_manage_link_emailed(app, client, create_event,
                                                                  outbox):
    event_id = create_event()

    response = post_registration(client, event_id, body(email=" Maija@Example.FI "))

    assert_received(response)
    [registration] = stored(app)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.business_id == "0112038-9"
    [email] = outbox("notify.send_email")
    assert (email["to"], email["template"]) == ("maija@example.fi", "registration_confirmed")
    assert email["context"]["manage_url"] == \
        f"http://localhost/registration/manage/{registration.manage_token}"
    assert email["context"]["status"] == "confirmed"


def test_register_when_seats_are_taken_is_waitlisted_and_the_place_emailed(app, client,
                                                                           create_event, outbox):
    event_id = create_event(onsite_capacity=1)
    post_registration(client, event_id, body(email="first@example.fi"))

    response = post_registration(client, event_id, body(email="second@example.fi"))

    assert_received(response)
    assert [r.status for r in stored(app, "second@example.fi")] == [RegistrationStatus.WAITLISTED]
    email = outbox("notify.send_email")[-1]
    assert (email["to"], email["template"]) == ("second@example.fi", "registration_waitlisted")
    assert email["context"]["waitlist_position"] == 1


def test_register_remote_has_no_cap(app, client, create_event, outbox):
    event_id = create_event(onsite_capacity=0)

    response = post_registration(client, event_id, body(attendance_mode="remote"))

    assert_received(response)
    [registration] = stored(app)
    assert (registration.status, registration.attendance_mode.value) == (
        RegistrationStatus.CONFIRMED, "remote")
    assert outbox("notify.send_email")[0]["context"]["attendance_mode"] == "remote"


def test_register_with_answers_stores_them(app, client, create_event):
    event_id = create_event(questions=QUESTIONS)
    with app.app_context():
        sector, wishes = (str(q.id) for q in db.session.get(Event, event_id).questions)

    response = post_registration(client, event_id, body(
        answers={sector: "Child welfare", wishes: "  Procurement  "}))

    assert_received(response)
    [registration] = stored(app)
    assert registration.answers == {sector: "Child welfare", wishes: "Procurement"}


def test_double_submit_creates_nothing_answers_the_same_and_resends_the_link(
        app, client, create_event, outbox, count_rows):
    event_id = create_event()
    first = post_registration(client, event_id, body(), headers=EN)
    token = emailed_token(outbox)
    before = count_rows()

    again = post_registration(client, event_id, body(email="MAIJA@example.fi"), headers=EN)

    assert_received(again)
    assert again.json == first.json
    assert "sent an email to the address you gave" in again.json["message"]
    assert count_rows() == (before[0], before[1] + 1)
    resent = outbox("notify.send_email")[-1]
    assert resent["template"] == "registration_already_registered"
    assert emailed_token(outbox) == token


def test_newsletter_opt_in_requests_a_subscription(client, create_event, outbox):
    event_id = create_event()

    post_registration(client, event_id, body(newsletter_opt_in=True))

    [request] = outbox("notify.request_subscription")
    assert request["email"] == "maija@example.fi"
    assert request["source"] == f"registration:{event_id}"


@pytest.mark.parametrize(("kwargs", "locale"), [
    ({}, "fi"),
    ({"headers": {"Accept-Language": "en-GB,en;q=0.9"}}, "en"),
    ({"headers": {"Accept-Language": "sv"}}, "sv"),
    ({"query_string": {"lang": "en"}}, "en"),
])
def test_email_language_follows_the_request(client, create_event, outbox, kwargs, locale):
    event_id = create_event()

    post_registration(client, event_id, body(), **kwargs)

    assert outbox("notify.send_email")[0]["locale"] == locale


def test_html_in_name_is_stored_verbatim_and_returned_as_json_text(app, client, create_event,
                                                                   outbox):
    event_id = create_event()
    name = '<script>alert("x")</script><b>Maija</b>'

    created = post_registration(client, event_id, body(name=name))
    shown = client.get(f"/api/v1/registrations/{emailed_token(outbox)}")

    assert_received(created)
    assert [r.name for r in stored(app)] == [name]
    assert shown.status_code == 200
    assert shown.mimetype == "application/json"
    assert shown.json["name"] == name
    assert shown.headers["X-Content-Type-Options"] == "nosniff"


# -- bad input: 422 with field errors, nothing changes


@pytest.mark.parametrize(("data", "field", "english"), [
    (body(name=None), "name", "This field is required."),
    (body(name="   "), "name", "This field is required."),
    (body(name=5), "name", "Enter text."),
    (body(name="x" * 201), "name", "Use at most 200 characters."),
    (body(email="not-an-email"), "email", "Enter a valid email address."),
    (body(email=None), "email", "This field is required."),
    (body(business_id="1234567-8"), "business_id",
     "Enter a valid business ID (Y-tunnus), e.g. 1234567-8."),
    (body(business_id="0112038"), "business_id",
     "Enter a valid business ID (Y-tunnus), e.g. 1234567-8."),
    (body(municipality=None), "municipality", "This field is required."),
    (body(attendance_mode="hybrid"), "attendance_mode", "Choose on-site or remote attendance."),
    (body(answers=[]), "answers", "Invalid value."),
    (body(privacy_consent=False), "privacy_consent",
     "You must accept the privacy notice to register."),
    (body(privacy_consent=None), "privacy_consent",
     "You must accept the privacy notice to register."),
    (body(newsletter_opt_in="maybe"), "newsletter_opt_in", "Choose yes or no."),
    (body(dietary_needs="x" * 501), "dietary_needs", "Use at most 500 characters."),
    (body(is_admin=True), "is_admin", "This field is not accepted."),
])
def test_bad_input_is_422_by_field_in_english(client, create_event, count_rows, data, field,
                                              english):
    event_id = create_event()
    before = count_rows()

    response = post_registration(client, event_id, data, headers=EN)

    assert response.status_code == 422
    assert response.json["errors"] == {field: [english]}
    assert response.json["message"] == "Please check the fields marked as incorrect."
    assert count_rows() == before


def test_bad_input_in_finnish_by_default_has_the_same_structure(client, create_event,
                                                                count_rows):
    event_id = create_event()

    response = post_registration(client, event_id, {"email": "x", "name": 5})

    assert response.status_code == 422
    errors = response.json["errors"]
    assert set(errors) == {"name", "email", "organisation", "municipality", "attendance_mode",
                           "privacy_consent"}
    assert all(isinstance(m, str) and m for ms in errors.values() for m in ms)
    assert count_rows() == (0, 0)


def test_bad_answers_are_reported_per_question(app, client, create_event, count_rows):
    event_id = create_event(questions=QUESTIONS)
    with app.app_context():
        sector, wishes = (str(q.id) for q in db.session.get(Event, event_id).questions)

    response = post_registration(
        client, event_id, body(answers={wishes: "x" * 201, "999": "?"}), headers=EN)

    assert response.status_code == 422
    assert response.json["errors"] == {"answers": {
        sector: ["This field is required."],
        wishes: ["Use at most 200 characters."],
        "999": ["This question is not on the form."],
    }}
    assert count_rows() == (0, 0)


@pytest.mark.parametrize(("data", "content_type"), [
    ("name=Maija&email=maija@example.fi", "application/x-www-form-urlencoded"),
    ('{"name": "Maija", ', "application/json"),
    ('["a list"]', "application/json"),
    ('{"name": "Maija"}', "text/plain"),
])
def test_non_json_body_is_400(client, create_event, count_rows, data, content_type):
    event_id = create_event()

    response = client.post(f"/api/v1/events/{event_id}/registrations", data=data,
                           content_type=content_type, headers=EN)

    assert response.status_code == 400
    assert response.json["code"] == 400
    assert "JSON object" in response.json["message"]
    assert count_rows() == (0, 0)


def test_oversized_body_is_413_json(make_app, create_event, count_rows):
    client = make_app("registration", JSON_MAX_BYTES=2048).test_client()

    response = post_registration(client, create_event(), body(dietary_needs="x" * 4000),
                                 headers=EN)

    assert response.status_code == 413
    assert response.json == {"code": 413, "message": "The request is too large."}
    assert count_rows() == (0, 0)


@pytest.mark.parametrize("values", [
    {"status": EventStatus.DRAFT},
    {"status": EventStatus.CANCELLED},
    {"kind": EventKind.TARGETED},
])
def test_register_for_unpublished_or_targeted_event_is_404(client, create_event, count_rows,
                                                           values):
    event_id = create_event(**values)

    response = post_registration(client, event_id, body())

    assert response.status_code == 404
    assert count_rows() == (0, 0)


def test_register_for_unknown_event_is_404(client, count_rows):
    assert post_registration(client, 424242, body()).status_code == 404
    assert count_rows() == (0, 0)


@pytest.mark.parametrize("values", [
    {"registration_closes_at": utcnow() - dt.timedelta(hours=1)},
    {"registration_opens_at": utcnow() + dt.timedelta(days=1)},
    {"status": EventStatus.HELD, "starts_at": utcnow() - dt.timedelta(days=2)},
])
def test_register_outside_the_window_is_409(client, create_event, count_rows, values):
    event_id = create_event(**values)

    response = post_registration(client, event_id, body(), headers=EN)

    assert response.status_code == 409
    assert response.json["message"] == "Registration for this event is not open."
    assert count_rows() == (0, 0)


def test_seats_busy_is_503_with_retry_after(client, create_event, count_rows, monkeypatch):
    event_id = create_event()

    def busy(_event_id):
        raise operations.SeatsBusy()

    monkeypatch.setattr(operations, "lock_seats", busy)

    response = post_registration(client, event_id, body(), headers=EN)

    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert response.json["message"] == "The service is busy. Please try again in a moment."
    assert count_rows() == (0, 0)


def test_registrations_are_rate_limited_per_email(make_app, create_event, count_rows):
    app = make_app("registration", RATELIMIT_ENABLED=True, RATELIMIT_PER_EMAIL="2 per minute")
    client = app.test_client()
    event_id = create_event()
    for _ in range(2):
        assert post_registration(client, event_id, body()).status_code == 202
    before = count_rows()

    response = post_registration(client, event_id, body(), headers=EN)

    assert response.status_code == 429
    assert response.json["message"] == "Too many attempts. Please wait a moment and try again."
    assert count_rows() == before


def test_api_needs_no_csrf_token(make_app, create_event):
    app = make_app("registration", WTF_CSRF_ENABLED=True)

    response = post_registration(app.test_client(), create_event(), body())

    assert_received(response)


# -- registrations/<token>


def test_cancel_frees_the_seat_for_the_first_in_line(app, client, create_event, outbox):
    event_id = create_event(onsite_capacity=1)
    post_registration(client, event_id, body(email="first@example.fi"))
    post_registration(client, event_id, body(email="second@example.fi"))
    token = emailed_token(outbox, "first@example.fi")

    response = client.post(f"/api/v1/registrations/{token}/cancel")

    assert response.status_code == 200
    assert response.json == {"id": stored(app, "first@example.fi")[0].id, "status": "cancelled"}
    assert [r.status for r in stored(app, "second@example.fi")] == [RegistrationStatus.CONFIRMED]
    assert email_templates(outbox)[-2:] == ["registration_cancelled", "registration_promoted"]


def test_cancel_twice_is_harmless(client, create_event, outbox):
    event_id = create_event()
    post_registration(client, event_id, body())
    token = emailed_token(outbox)
    client.post(f"/api/v1/registrations/{token}/cancel")
    sent = len(outbox())

    again = client.post(f"/api/v1/registrations/{token}/cancel")

    assert again.status_code == 200
    assert again.json["status"] == "cancelled"
    assert len(outbox()) == sent


@pytest.mark.parametrize("token", ["unknown-token", "x" * 65])
def test_unknown_token_is_404(client, token):
    assert client.post(f"/api/v1/registrations/{token}/cancel").status_code == 404
    assert client.get(f"/api/v1/registrations/{token}").status_code == 404


def test_register_again_after_cancelling_creates_a_new_registration(app, client, create_event,
                                                                     outbox):
    event_id = create_event()
    post_registration(client, event_id, body())
    client.post(f"/api/v1/registrations/{emailed_token(outbox)}/cancel")

    again = post_registration(client, event_id, body())

    assert_received(again)
    assert [r.status for r in stored(app)] == [RegistrationStatus.CANCELLED,
                                               RegistrationStatus.CONFIRMED]
    assert email_templates(outbox)[-1] == "registration_confirmed"


# -- the OpenAPI document


def test_openapi_document_is_valid_and_lists_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")

    assert response.status_code == 200
    spec = response.json
    validate(spec)
    assert spec["openapi"].startswith("3.")
    assert {"/api/v1/events", "/api/v1/events/{event_id}",
            "/api/v1/events/{event_id}/registrations",
            "/api/v1/registrations/{token}/cancel"} <= set(spec["paths"])
    post = spec["paths"]["/api/v1/events/{event_id}/registrations"]["post"]
    assert {"202", "400", "404", "409", "413", "422", "429", "503"} <= set(post["responses"])
    assert not {"200", "201"} & set(post["responses"])
    received = post["responses"]["202"]["content"]["application/json"]["schema"]
    assert "emailed" in post["responses"]["202"]["description"]
    assert received == {"$ref": "#/components/schemas/RegistrationReceived"}
    assert set(spec["components"]["schemas"]["RegistrationReceived"]["properties"]) == {
        "status", "message"}
    text = response.get_data(as_text=True)
    assert "remote_join_url" not in text and "presenter_email" not in text


def test_api_errors_do_not_change_html_error_pages(client):
    response = client.get("/no-such-page", headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert response.mimetype == "text/html"
