"""HTML form input of the registration pages: from posted fields to the schemas' dicts, and back.

Public registration loads through ``schemas.registration_schema(event)``; this module turns the
posted form into the dict that schema loads, and the schema's errors into per-field errors (an
answer's error belongs to its ``q_<id>`` input). The staff forms' schemas live here too; their
text fields are ``Text``: one line without control characters, or ``multiline`` (descriptions).
"""

import re

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from services.registration.cycle.models import Series
from services.registration.models import (
    AttendanceMode,
    ChangeAction,
    EventKind,
    EventStatus,
    QuestionKind,
    RegistrationStatus,
    Theme,
    db,
)
from shared.localtime import LocalDateTime, helsinki, to_local_input  # noqa: F401 - used by the views
from shared.validators import PlainText
from shared.vocabulary import INDUSTRIES, REGIONS, SIZES
from shared.web.fields import UNKNOWN, Id, Text
from shared.web.messages import translate_errors

#: what the pages call the model's values
LABELS = {
    "theme": {
        Theme.BUDGET: _l("Budget, procurement plan and service-voucher rules"),
        Theme.STRATEGY: _l("Strategy and futures work"),
        Theme.WELLBEING: _l("Wellbeing report and plan"),
        Theme.OTHER: _l("Other topic"),
    },
    "kind": {EventKind.FORUM: _l("Open forum"), EventKind.TARGETED: _l("Targeted session")},
    "status": {
        EventStatus.DRAFT: _l("Draft"), EventStatus.PUBLISHED: _l("Published"),
        EventStatus.CANCELLED: _l("Cancelled"), EventStatus.HELD: _l("Held"),
    },
    "mode": {AttendanceMode.ONSITE: _l("On-site"), AttendanceMode.REMOTE: _l("Remote")},
    "registration_status": {
        RegistrationStatus.CONFIRMED: _l("Confirmed"),
        RegistrationStatus.WAITLISTED: _l("On the waiting list"),
        RegistrationStatus.CANCELLED: _l("Cancelled"),
    },
    "change": {
        ChangeAction.CHANGED: _l("Changed"), ChangeAction.CANCELLED: _l("Cancelled"),
        ChangeAction.LATE_AGENDA: _l("Late agenda changes allowed"),
    },
    #: the fields a change of a published event names
    "field": {
        "starts_at": _l("Starts"), "ends_at": _l("Ends"), "venue": _l("Venue"),
        "remote_join_url": _l("Remote meeting link"), "kind": _l("Kind"), "mode": _l("Attendance"),
    },
    "question_kind": {
        QuestionKind.SHORT_TEXT: _l("Short text"), QuestionKind.LONG_TEXT: _l("Long text"),
        QuestionKind.SINGLE_CHOICE: _l("Single choice"),
        QuestionKind.MULTIPLE_CHOICE: _l("Multiple choice"), QuestionKind.CHECKBOX: _l("Checkbox"),
    },
}

#: the form fields of the registration schema that are plain text
TEXT_FIELDS = ("name", "email", "organisation", "business_id", "municipality", "industry",
               "organisation_size", "region", "attendance_mode", "dietary_needs",
               "accessibility_needs")
CHOICE_KINDS = (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
CHECKED = ("y", "on", "true", "1", "yes")


def options(group):
    """(value, label) pairs of one LABELS group, for radios and selects."""
    return [(value.value, label) for value, label in LABELS[group].items()]


#: the registrant organisation's optional profile: {field: its vocabulary}
PROFILE = {"industry": INDUSTRIES, "organisation_size": SIZES, "region": REGIONS}
NOT_GIVEN = _l("Not given")


def profile_options():
    """{field: (value, label) pairs} of the profile's selects, "not given" first."""
    return {name: [("", NOT_GIVEN), *vocabulary.items()] for name, vocabulary in PROFILE.items()}


def pairs(values):
    """(value, label) pairs of plain options (a question's choices)."""
    return [(value, value) for value in values]


def is_checked(form, name):
    """Whether a checkbox was ticked."""
    return (form.get(name) or "").strip().lower() in CHECKED


def _answer(form, question):
    """The posted answer to one custom question, or None when left empty."""
    name = f"q_{question.id}"
    if question.kind == QuestionKind.CHECKBOX:
        return is_checked(form, name)
    if question.kind == QuestionKind.MULTIPLE_CHOICE:
        return [v for v in form.getlist(name) if v.strip()] or None
    return (form.get(name) or "").strip() or None


def registration_input(form, event):
    """The dict ``registration_schema(event)`` loads, from the posted registration form.

    Empty text is left out, so the schema reports a required field as missing.
    """
    data = {name: form.get(name, "").strip() for name in TEXT_FIELDS}
    data = {name: value for name, value in data.items() if value}
    answers = {str(q.id): _answer(form, q) for q in event.questions}
    data["answers"] = {qid: value for qid, value in answers.items() if value is not None}
    data["privacy_consent"] = is_checked(form, "privacy_consent")
    data["newsletter_opt_in"] = is_checked(form, "newsletter_opt_in")
    return data


def form_errors(messages):
    """A schema's error tree as {input name: [messages]} in the user's language."""
    errors = {}
    for name, value in translate_errors(messages).items():
        if name == "answers" and isinstance(value, dict):
            for qid, inner in value.items():
                errors[f"q_{qid}"] = inner if isinstance(inner, list) else [str(inner)]
        elif name == "answers":
            errors["answers"] = value
        else:
            errors[name] = value if isinstance(value, list) else [str(value)]
    return errors


def http_url(**kwargs):
    """A web address field that takes only http and https."""
    return fields.String(validate=[
        validate.Length(max=500), PlainText(),
        validate.URL(schemes={"http", "https"}, error=_l("Enter a web address starting with https://")),
    ], **kwargs)


class EventForm(Schema):
    """The staff event editor."""

    kind = fields.String(required=True, validate=validate.OneOf([k.value for k in EventKind]))
    title = Text(200, required=True)
    description = Text(20000, multiline=True, load_default="")
    theme = fields.String(required=True, validate=validate.OneOf([t.value for t in Theme]))
    starts_at = LocalDateTime(required=True)
    ends_at = LocalDateTime(required=True)
    venue = Text(300, load_default="")
    onsite_capacity = fields.Integer(required=True, strict=False, validate=validate.Range(
        min=0, max=100000, error=_l("Enter a number from 0 to 100000.")))
    remote_join_url = http_url(load_default="")
    registration_opens_at = LocalDateTime(load_default=None)
    registration_closes_at = LocalDateTime(load_default=None)
    #: the forum series whose numbers apply (None: the settings' defaults)
    series_id = Id(strict=False, load_default=None)

    @validates("series_id")
    def _series_exists(self, value, **kwargs):
        """Refuse the id of no series."""
        if value is not None and db.session.get(Series, value) is None:
            raise ValidationError(UNKNOWN)

    @validates_schema
    def _times_in_order(self, data, **kwargs):
        """The end comes after the start; registration opens before it closes and the end."""
        starts, ends = data.get("starts_at"), data.get("ends_at")
        if starts and ends and ends <= starts:
            raise ValidationError(_l("The end must be after the start."), "ends_at")
        opens, closes = data.get("registration_opens_at"), data.get("registration_closes_at")
        if opens and closes and closes <= opens:
            raise ValidationError(_l("Registration must close after it opens."),
                                  "registration_closes_at")
        if closes and ends and closes > ends:
            raise ValidationError(_l("Registration must close before the event ends."),
                                  "registration_closes_at")


class AgendaItemForm(Schema):
    """An agenda item (add and edit forms)."""

    title = Text(200, data_key="item_title", required=True)
    description = Text(20000, multiline=True, data_key="item_description", load_default="")
    presenter_name = Text(200, data_key="item_presenter_name", load_default="")
    presenter_email = fields.Email(data_key="item_presenter_email", load_default="",
                                   validate=validate.Length(max=254))
    position = fields.Integer(data_key="item_position", load_default=None, strict=False,
                              validate=validate.Range(min=1, max=1000))


class QuestionForm(Schema):
    """A custom question of the registration form; choice questions need two or more options."""

    kind = fields.String(data_key="question_kind", required=True,
                         validate=validate.OneOf([k.value for k in QuestionKind]))
    label = Text(300, data_key="question_label", required=True)
    required = fields.Boolean(data_key="question_required", load_default=False)
    options = fields.List(Text(200, required=True), data_key="question_options", load_default=list,
                          validate=validate.Length(max=50))

    @validates_schema
    def _choices_have_options(self, data, **kwargs):
        """Single and multiple choice questions list at least two distinct options."""
        if data.get("kind") in CHOICE_KINDS and len(set(data.get("options", []))) < 2:
            raise ValidationError(_l("Give at least two options, one per line."),
                                  "question_options")


#: an HTML tag, comment or doctype in text that must be plain
MARKUP = re.compile(r"<\s*[/!?]?\s*[A-Za-z]")
NO_MARKUP = _l("Write plain text: HTML tags are not allowed.")


class Reason(Text):
    """A reason staff give for a change (emailed to registrants as text): plain text of at most
    2,000 characters, line breaks kept, HTML refused."""

    def __init__(self, **kwargs):
        super().__init__(2000, multiline=True, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        """The stripped text; refused when it holds a tag."""
        text = super()._deserialize(value, attr, data, **kwargs)
        if MARKUP.search(text):
            raise ValidationError([NO_MARKUP])
        return text


class PublishForm(Schema):
    """An administrator's reason for publishing with less lead time than the policy asks."""

    override_reason = Reason(load_default="")


class ChangeForm(Schema):
    """What the editor of a published event adds: why it changed (and an admin's override of the
    lead time), and the ``sequence`` of the event the form was made from."""

    change_reason = Reason(load_default="")
    override_reason = Reason(load_default="")
    sequence = fields.Integer(load_default=None, strict=False, validate=validate.Range(min=0))


class CancelForm(Schema):
    """Cancelling an event: the confirmation, the reason and the form's ``sequence``."""

    reason = Reason(load_default="")
    confirm = fields.Boolean(load_default=False)
    sequence = fields.Integer(load_default=None, strict=False, validate=validate.Range(min=0))


class OverrideForm(Schema):
    """An administrator's reason for changing the agenda inside the lead time."""

    override_reason = Reason(required=True)


class RecordingForm(Schema):
    """The recording link of a held forum."""

    recording_url = http_url(required=True)


class ModeForm(Schema):
    """A registrant's change of attendance mode."""

    attendance_mode = fields.String(required=True, validate=validate.OneOf(
        [m.value for m in AttendanceMode], error=_l("Choose on-site or remote.")))


class RegistrationFilter(Schema):
    """The staff registration list's filters."""

    mode = fields.String(load_default="", validate=validate.OneOf(
        ["", *[m.value for m in AttendanceMode]]))
    status = fields.String(load_default="", validate=validate.OneOf(
        ["", *[s.value for s in RegistrationStatus]]))
    q = Text(200, load_default="")


def present(form, names=None):
    """The non-empty, stripped values of a form (all fields, or only ``names``)."""
    names = names or form.keys()
    return {name: form.get(name, "").strip() for name in names if form.get(name, "").strip()}


def event_input(form):
    """The dict EventForm loads, from the posted event editor."""
    return present(form, EventForm().fields.keys())


def change_input(form):
    """The dict ChangeForm loads, from the posted event editor."""
    return present(form, ChangeForm().fields.keys())


def cancel_input(form):
    """The dict CancelForm loads, from the posted cancel form."""
    data = present(form, ["reason", "sequence"])
    data["confirm"] = is_checked(form, "confirm")
    return data


def agenda_input(form):
    """The dict AgendaItemForm loads, from a posted agenda item form."""
    return present(form, [f.data_key for f in AgendaItemForm().fields.values()])


def question_input(form):
    """The dict QuestionForm loads; the options textarea gives one option per line."""
    data = present(form, ["question_kind", "question_label"])
    data["question_required"] = is_checked(form, "question_required")
    lines = (form.get("question_options") or "").splitlines()
    data["question_options"] = list(dict.fromkeys(line.strip() for line in lines if line.strip()))
    return data


EMAIL_SPLIT = re.compile(r"[\s,;]+")


def split_emails(text):
    """(valid, invalid) addresses of a pasted list (any whitespace, commas or semicolons)."""
    check = validate.Email()
    valid, invalid = [], []
    for item in dict.fromkeys(e for e in EMAIL_SPLIT.split(text or "") if e):
        try:
            valid.append(check(item.lower()) if len(item) <= 254 else check(""))
        except ValidationError:
            invalid.append(item)
    return valid, invalid
