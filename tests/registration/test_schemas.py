"""The registration service's schemas: every rule of the registration input, and the output."""

import datetime as dt

import pytest
from flask import Flask
from marshmallow import EXCLUDE, ValidationError

from services.registration.models import (
    AgendaItem,
    AttendanceMode,
    Event,
    EventStatus,
    Material,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
)
from services.registration.schemas import (
    EventDetailSchema,
    EventSummarySchema,
    RegistrationCreatedSchema,
    registration_schema,
)
from shared import config
from shared.db import utcnow
from shared.web.i18n import init_i18n
from shared.web.messages import translate_errors

VALID = {
    "name": "Maija Meikäläinen", "email": "maija@example.fi", "organisation": "Hoiva Oy",
    "business_id": "0112038-9", "municipality": "Kuopio", "attendance_mode": "onsite",
    "privacy_consent": True,
}
QUESTIONS = [
    Question(id=1, kind=QuestionKind.SHORT_TEXT, label="Wishes", required=False, options=[]),
    Question(id=2, kind=QuestionKind.LONG_TEXT, label="Background", required=False, options=[]),
    Question(id=3, kind=QuestionKind.SINGLE_CHOICE, label="Sector", required=True,
             options=["Elderly care", "Child welfare"]),
    Question(id=4, kind=QuestionKind.MULTIPLE_CHOICE, label="Topics", required=False,
             options=["Budget", "Vouchers", "Strategy"]),
    Question(id=5, kind=QuestionKind.CHECKBOX, label="I am a member", required=False, options=[]),
    Question(id=6, kind=QuestionKind.CHECKBOX, label="I read the rules", required=True,
             options=[]),
]
REQUIRED_ANSWERS = {"3": "Elderly care", "6": True}


@pytest.fixture(autouse=True)
def english():
    """An English request on a bare app with the suite's i18n (lazy messages need a language)."""
    app = Flask(__name__)
    app.config.update(config.load({"ENV": "test", "PUBLIC_URL": "http://localhost"}))
    init_i18n(app)
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def event(questions=()):
    """A transient event with ``questions``."""
    return Event(id=7, questions=list(questions))


def load(data, questions=(), **kwargs):
    """Load ``data`` through the registration schema of an event with ``questions``."""
    return registration_schema(event(questions), **kwargs).load(data)


def errors(data, questions=()):
    """The translated errors of loading ``data``."""
    with pytest.raises(ValidationError) as raised:
        load(data, questions)
    return translate_errors(raised.value.messages)


# -- the registrant's fields


def test_valid_registration_loads_with_defaults():
    assert load(VALID) == {**VALID, "answers": {}, "dietary_needs": "",
                           "accessibility_needs": "", "newsletter_opt_in": False}


def test_text_is_stripped_and_email_normalized():
    data = load({**VALID, "name": "  Maija  ", "email": " Maija@Example.FI ",
                 "organisation": "\tHoiva Oy\n", "business_id": " 0112038-9 "})

    assert (data["name"], data["email"], data["organisation"], data["business_id"]) == (
        "Maija", "maija@example.fi", "Hoiva Oy", "0112038-9")


@pytest.mark.parametrize("value", ["", "   ", None])
def test_business_id_is_optional(value):
    assert load({**VALID, "business_id": value})["business_id"] is None
    assert load({k: v for k, v in VALID.items() if k != "business_id"})["business_id"] is None


def test_html_is_kept_as_text():
    name = "<script>alert(1)</script>"

    assert load({**VALID, "name": name})["name"] == name


@pytest.mark.parametrize("field", ["name", "email", "organisation", "municipality",
                                   "attendance_mode"])
def test_required_fields(field):
    data = {k: v for k, v in VALID.items() if k != field}

    assert errors(data) == {field: ["This field is required."]}


@pytest.mark.parametrize("field", ["name", "email", "organisation", "municipality"])
def test_blank_is_missing(field):
    assert errors({**VALID, field: "  "}) == {field: ["This field is required."]}


@pytest.mark.parametrize(("field", "limit"), [
    ("name", 200), ("organisation", 200), ("municipality", 100),
    ("dietary_needs", 500), ("accessibility_needs", 500),
])
def test_length_limits(field, limit):
    assert load({**VALID, field: "x" * limit})[field] == "x" * limit
    assert errors({**VALID, field: "x" * (limit + 1)}) == {
        field: [f"Use at most {limit} characters."]}


@pytest.mark.parametrize("field", ["name", "organisation", "municipality"])
def test_a_line_break_in_a_single_line_field_is_refused(field):
    assert errors({**VALID, field: "Maija\r\nBcc: x@example.fi"}) == {
        field: ["Write this on one line."]}


@pytest.mark.parametrize("field", ["name", "dietary_needs"])
def test_other_control_characters_are_refused(field):
    assert errors({**VALID, field: "a\x1b[31mb"}) == {
        field: ["The text contains characters that are not allowed."]}


def test_multi_line_fields_and_answers_keep_their_lines():
    loaded = load({**VALID, "dietary_needs": "No nuts.\r\nNo milk.",
                   "answers": {**REQUIRED_ANSWERS, "2": "First\n\tsecond"}}, QUESTIONS)
    assert loaded["dietary_needs"] == "No nuts.\r\nNo milk."
    assert loaded["answers"]["2"] == "First\n\tsecond"


def test_email_length_limit():
    email = "a" * 64 + "@" + "b" * 180 + ".example.fi"

    assert errors({**VALID, "email": email})["email"]


@pytest.mark.parametrize("email", ["maija", "maija@", "@example.fi", "maija example.fi"])
def test_invalid_email(email):
    assert errors({**VALID, "email": email}) == {"email": ["Enter a valid email address."]}


@pytest.mark.parametrize("value", ["1234567-8", "0112038", "abc"])
def test_invalid_business_id(value):
    assert errors({**VALID, "business_id": value}) == {
        "business_id": ["Enter a valid business ID (Y-tunnus), e.g. 1234567-8."]}


@pytest.mark.parametrize("mode", ["onsite", "remote"])
def test_attendance_modes(mode):
    assert AttendanceMode(load({**VALID, "attendance_mode": mode})["attendance_mode"]) == mode


def test_unknown_attendance_mode():
    assert errors({**VALID, "attendance_mode": "hybrid"}) == {
        "attendance_mode": ["Choose on-site or remote attendance."]}


@pytest.mark.parametrize("value", [False, "false", None])
def test_privacy_consent_must_be_given(value):
    message = ["You must accept the privacy notice to register."]

    assert errors({**VALID, "privacy_consent": value}) == {"privacy_consent": message}
    assert errors({k: v for k, v in VALID.items() if k != "privacy_consent"}) == {
        "privacy_consent": message}


def test_newsletter_opt_in():
    assert load({**VALID, "newsletter_opt_in": True})["newsletter_opt_in"] is True
    assert errors({**VALID, "newsletter_opt_in": "maybe"}) == {
        "newsletter_opt_in": ["Choose yes or no."]}


@pytest.mark.parametrize(("field", "value", "message"), [
    ("name", 5, "Enter text."),
    ("email", ["a@b.fi"], "Enter a valid email address."),
    ("privacy_consent", "perhaps", "Choose yes or no."),
    ("answers", [], "Invalid value."),
    ("answers", "text", "Invalid value."),
])
def test_wrong_types(field, value, message):
    assert errors({**VALID, field: value}) == {field: [message]}


def test_null_optional_texts_load_as_empty():
    data = load({**VALID, "dietary_needs": None, "accessibility_needs": None})

    assert (data["dietary_needs"], data["accessibility_needs"]) == ("", "")


def test_unknown_fields_are_rejected_unless_excluded():
    assert errors({**VALID, "status": "confirmed"}) == {
        "status": ["This field is not accepted."]}
    assert "status" not in load({**VALID, "csrf_token": "x", "status": "x"}, unknown=EXCLUDE)


def test_every_error_at_once():
    assert set(errors({"name": 5, "email": "x"})) == {
        "name", "email", "organisation", "municipality", "attendance_mode", "privacy_consent"}


# -- answers to the event's questions


def answers(given):
    """Load ``given`` answers (with the required ones filled in) and return the answers."""
    return load({**VALID, "answers": {**REQUIRED_ANSWERS, **given}}, QUESTIONS)["answers"]


def answer_errors(given):
    """The errors of ``given`` answers, on top of valid required ones."""
    return errors({**VALID, "answers": {**REQUIRED_ANSWERS, **given}}, QUESTIONS)


def test_valid_answers_of_every_kind():
    loaded = answers({"1": " Wishes ", "2": "x" * 2000, "4": ["Strategy", "Budget"], "5": False})

    assert loaded == {"1": "Wishes", "2": "x" * 2000, "3": "Elderly care",
                      "4": ["Budget", "Strategy"], "5": False, "6": True}


def test_blank_optional_answers_are_left_out():
    assert answers({"1": "  ", "2": "", "4": []}) == REQUIRED_ANSWERS


def test_required_answers_must_be_given():
    assert errors({**VALID, "answers": {}}, QUESTIONS) == {"answers": {
        "3": ["This field is required."], "6": ["This field is required."]}}
    assert errors({**VALID}, QUESTIONS) == {"answers": {
        "3": ["This field is required."], "6": ["This field is required."]}}


def test_required_checkbox_must_be_ticked():
    assert answer_errors({"6": False}) == {"answers": {"6": ["This field is required."]}}


@pytest.mark.parametrize(("qid", "value", "message"), [
    ("1", "x" * 201, "Use at most 200 characters."),
    ("1", 5, "Enter text."),
    ("2", "x" * 2001, "Use at most 2000 characters."),
    ("3", "Dentistry", "Choose one of the options."),
    ("3", ["Elderly care"], "Choose one of the options."),
    ("4", ["Budget", "Dentistry"], "Choose from the options."),
    ("4", {"a": 1}, "Choose from the options."),
    ("5", "perhaps", "Choose yes or no."),
    ("999", "hello", "This question is not on the form."),
    ("1", "one\r\ntwo", "Write this on one line."),
    ("1", "bell\x07", "The text contains characters that are not allowed."),
    ("2", "lines\nand a \x00", "The text contains characters that are not allowed."),
])
def test_bad_answers_are_reported_per_question(qid, value, message):
    assert answer_errors({qid: value}) == {"answers": {qid: [message]}}


def test_answers_to_an_event_without_questions_are_rejected():
    assert errors({**VALID, "answers": {"1": "x"}}) == {
        "answers": {"1": ["This question is not on the form."]}}


# -- output


def _event_with_everything():
    """A transient published event with an agenda item, material and a question."""
    starts = utcnow() + dt.timedelta(days=10)
    item = AgendaItem(id=3, position=1, title="Budget", description="", presenter_name="CFO",
                      presenter_email="cfo@example.fi",
                      materials=[Material(id=4, filename="a.pdf", content_type="application/pdf",
                                          size=12)])
    return Event(id=7, kind="forum", title="Forum", description="Text", theme="budget",
                 starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Hall",
                 onsite_capacity=10, remote_join_url="https://meet.example.fi/secret",
                 status=EventStatus.PUBLISHED, published_at=utcnow() - dt.timedelta(days=1),
                 agenda_items=[item], questions=[QUESTIONS[2]])


def test_event_summary_has_counts_and_no_secrets():
    counts = {7: {"onsite_confirmed": 3, "onsite_waitlisted": 1, "remote_registered": 5}}

    data = EventSummarySchema(counts=counts).dump(_event_with_everything())

    assert set(data) == {"id", "title", "kind", "theme", "starts_at", "ends_at", "venue",
                         "onsite_capacity", "onsite_confirmed", "onsite_waitlisted",
                         "remote_registered", "registration_open", "url"}
    assert (data["onsite_confirmed"], data["onsite_waitlisted"], data["remote_registered"]) == (
        3, 1, 5)
    assert data["registration_open"] is True
    assert data["url"] == "http://localhost/registration/events/7"


def test_event_summary_without_registrations_counts_zero():
    data = EventSummarySchema().dump(_event_with_everything())

    assert (data["onsite_confirmed"], data["onsite_waitlisted"], data["remote_registered"]) == (
        0, 0, 0)


def test_event_detail_has_agenda_materials_questions_and_no_secrets(app):
    with app.app_context():  # the checked-in count is read from the database
        data = EventDetailSchema().dump(_event_with_everything())

    assert data["description"] == "Text"
    assert data["agenda"] == [{
        "id": 3, "position": 1, "title": "Budget", "description": "", "presenter_name": "CFO",
        "materials": [{"id": 4, "filename": "a.pdf", "content_type": "application/pdf",
                       "size": 12, "url": "http://localhost/registration/materials/4"}],
    }]
    assert data["questions"] == [{"id": 3, "kind": "single_choice", "label": "Sector",
                                  "required": True, "options": ["Elderly care", "Child welfare"]}]
    assert "secret" not in str(data) and "cfo@example.fi" not in str(data)


def test_registration_created():
    registration = Registration(id=9, status=RegistrationStatus.CONFIRMED,
                                attendance_mode=AttendanceMode.ONSITE, manage_token="tok")

    assert RegistrationCreatedSchema().dump(registration) == {
        "id": 9, "status": "confirmed", "attendance_mode": "onsite", "waitlist_position": None,
        "manage_url": "http://localhost/registration/manage/tok"}
