"""Marshmallow schemas of the registration service's HTTP input and output.

:func:`registration_schema` loads a registration from the JSON API or the HTML form; the other
schemas dump what the public API shows. Nothing here exposes an event's remote join link or a
presenter's email address. Every message is a lazy translated string (or one of marshmallow's
own, which :mod:`shared.web.messages` translates).
"""

from collections.abc import Mapping

from flask_babel import lazy_gettext as _l
from marshmallow import (
    Schema,
    ValidationError,
    fields,
    post_dump,
    post_load,
    pre_load,
    validate,
)

from services.registration import links, operations, queries
from services.registration.models import AttendanceMode, QuestionKind
from shared.validators import BusinessId, PlainText
from shared.vocabulary import INDUSTRIES, REGIONS, SIZES
from shared.web.api import ErrorSchema  # noqa: F401 - the API's documented error answer
from shared.web.fields import REQUIRED, EmailAddress, Text

CONSENT_REQUIRED = _l("You must accept the privacy notice to register.")
SHORT_TEXT_MAX = 200
LONG_TEXT_MAX = 2000


class OptionalBusinessId(fields.String):
    """A Finnish business ID (Y-tunnus) or nothing: blank and null load as None."""

    def __init__(self, **kwargs):
        super().__init__(allow_none=True, load_default=None,
                         metadata={"description": "Y-tunnus, e.g. 1234567-8"}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        """The checked business ID, or None for a blank one."""
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        return BusinessId()(text) if text else None


class OptionalCode(fields.String):
    """One code of a vocabulary (``shared.vocabulary``) or nothing: blank and null load as None,
    anything else is refused with ``error``. Left out, it is left out of the loaded data."""

    def __init__(self, vocabulary, error, **kwargs):
        super().__init__(allow_none=True, metadata={"enum": list(vocabulary)}, **kwargs)
        self.codes, self.error = tuple(vocabulary), error

    def _deserialize(self, value, attr, data, **kwargs):
        """The code, or None for a blank one; anything but a code's text is ``error``."""
        if not isinstance(value, str) or value.strip() not in ("", *self.codes):
            raise ValidationError([self.error])
        return value.strip() or None


class Consent(fields.Boolean):
    """Consent to the privacy notice: it must be given, and missing says so too."""

    def __init__(self, **kwargs):
        super().__init__(validate=validate.Equal(True, error=CONSENT_REQUIRED), **kwargs)

    def make_error(self, key, **kwargs):
        """Missing or null consent gets the consent message, not "required"."""
        if key in ("required", "null"):
            return ValidationError([CONSENT_REQUIRED])
        return super().make_error(key, **kwargs)


def _answer_text(max_length, multiline=False):
    """A loader of a text answer of at most ``max_length`` characters (one line unless
    ``multiline``)."""

    def load(question, value):
        if not isinstance(value, str):
            raise ValidationError([_l("Enter text.")])
        value = PlainText(multiline)(value.strip())
        if len(value) > max_length:
            raise ValidationError([_l("Use at most {max} characters.").format(max=max_length)])
        return value

    return load


def _answer_choice(question, value):
    """A single choice: one of the question's options."""
    if not isinstance(value, str) or value not in question.options:
        raise ValidationError([_l("Choose one of the options.")])
    return value


def _answer_choices(question, value):
    """A multiple choice: a list of the question's options, each once, in the options' order."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str) and v in question.options for v in value
    ):
        raise ValidationError([_l("Choose from the options.")])
    return [option for option in question.options if option in value]


def _answer_checkbox(question, value):
    """A checkbox: yes or no."""
    return fields.Boolean().deserialize(value)


ANSWER_LOADERS = {
    QuestionKind.SHORT_TEXT: _answer_text(SHORT_TEXT_MAX),
    QuestionKind.LONG_TEXT: _answer_text(LONG_TEXT_MAX, multiline=True),
    QuestionKind.SINGLE_CHOICE: _answer_choice,
    QuestionKind.MULTIPLE_CHOICE: _answer_choices,
    QuestionKind.CHECKBOX: _answer_checkbox,
}


def _is_blank(value):
    """Whether an answer says nothing (a required question needs more)."""
    return value is None or value is False or value in ("", [], ())


def load_answer(question, value):
    """One answer loaded by its question's kind and rules; raises ValidationError."""
    if not _is_blank(value):
        value = ANSWER_LOADERS[question.kind](question, value)
    if question.required and _is_blank(value):
        raise ValidationError([REQUIRED])
    return value


class Answers(fields.Dict):
    """Answers to the event's custom questions: {question id (string): value}.

    Errors come per question: ``{"<question id>": [message]}``. Ids the event does not ask are
    rejected; blank optional answers are left out of the result.
    """

    def __init__(self, **kwargs):
        super().__init__(keys=fields.String(), metadata={"description": (
            "question id -> answer: text, an option, a list of options, or true/false")}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        """Check every answer against the parent schema's questions."""
        given = {str(k): v for k, v in super()._deserialize(value, attr, data, **kwargs).items()}
        questions = {str(q.id): q for q in self.parent.questions}
        errors = {k: [_l("This question is not on the form.")] for k in given if k not in questions}
        loaded = {}
        for key, question in questions.items():
            try:
                answer = load_answer(question, given.get(key))
            except ValidationError as exc:
                errors[key] = exc.messages
                continue
            if not _is_blank(answer) or (question.kind == QuestionKind.CHECKBOX and key in given):
                loaded[key] = answer
        if errors:
            raise ValidationError(errors)
        return loaded


class RegistrationSchema(Schema):
    """A registration for one event, as the API and the HTML form take it.

    Unknown fields are rejected (pass ``unknown=EXCLUDE`` for a form that carries others).
    """

    name = Text(200, required=True)
    email = EmailAddress(required=True)
    organisation = Text(200, required=True)
    business_id = OptionalBusinessId()
    municipality = Text(100, required=True)
    attendance_mode = fields.String(
        required=True,
        validate=validate.OneOf([m.value for m in AttendanceMode],
                                error=_l("Choose on-site or remote attendance.")),
    )
    industry = OptionalCode(INDUSTRIES, _l("Choose one of the industries."))
    organisation_size = OptionalCode(SIZES, _l("Choose one of the size classes."))
    region = OptionalCode(REGIONS, _l("Choose one of the areas."))
    answers = Answers()
    dietary_needs = Text(500, multiline=True, load_default="", allow_none=True)
    accessibility_needs = Text(500, multiline=True, load_default="", allow_none=True)
    privacy_consent = Consent(required=True)
    newsletter_opt_in = fields.Boolean(load_default=False)

    def __init__(self, questions=(), **kwargs):
        super().__init__(**kwargs)
        #: the event's custom questions the answers are checked against
        self.questions = list(questions)

    @pre_load
    def _answers_always_checked(self, data, **kwargs):
        """No answers at all is checked like ``{}``, so required questions are noticed."""
        if isinstance(data, Mapping) and "answers" not in data:
            data = {**data, "answers": {}}
        return data

    @post_load
    def _no_nulls(self, data, **kwargs):
        """Optional texts sent as null are stored as empty text."""
        for name in ("dietary_needs", "accessibility_needs"):
            data[name] = data.get(name) or ""
        return data


def registration_schema(event, **kwargs):
    """A schema instance that loads a registration for ``event`` (its questions included)."""
    return RegistrationSchema(questions=event.questions, **kwargs)


class RegistrationCreatedSchema(Schema):
    """The answer to a new registration: where it stands and the link to manage it."""

    id = fields.Integer()
    status = fields.String(metadata={"enum": ["confirmed", "waitlisted"]})
    attendance_mode = fields.String(metadata={"enum": [m.value for m in AttendanceMode]})
    waitlist_position = fields.Integer(allow_none=True)
    manage_url = fields.Method("_manage_url")

    def _manage_url(self, registration):
        """The registrant's manage link."""
        return links.manage_url(registration.manage_token)

    @post_dump(pass_original=True)
    def _add_position(self, data, registration, **kwargs):
        """Place on the waiting list (None if not waitlisted)."""
        data["waitlist_position"] = queries.waitlist_position(registration)
        return data


class AlreadyRegisteredSchema(Schema):
    """The answer to a second registration with the same email (the link goes by email)."""

    status = fields.String(metadata={"enum": ["already_registered"]})
    message = fields.String()


class RegistrationViewSchema(RegistrationCreatedSchema):
    """A registration as its manage link shows it (to the holder of the link only)."""

    event_id = fields.Integer()
    name = fields.String()
    email = fields.String()
    organisation = fields.String()
    business_id = fields.String(allow_none=True)
    municipality = fields.String()
    industry = fields.String(allow_none=True)
    organisation_size = fields.String(allow_none=True)
    region = fields.String(allow_none=True)
    answers = fields.Dict(keys=fields.String())
    dietary_needs = fields.String()
    accessibility_needs = fields.String()
    newsletter_opt_in = fields.Boolean()


class CancelledSchema(Schema):
    """The answer to a cancellation."""

    id = fields.Integer()
    status = fields.String(metadata={"enum": ["cancelled"]})


class MaterialSchema(Schema):
    """A background document's public description and download link."""

    id = fields.Integer()
    filename = fields.String()
    content_type = fields.String()
    size = fields.Integer()
    url = fields.Function(lambda material: links.material_url(material.id))


class AgendaItemSchema(Schema):
    """An agenda item as shown publicly (never the presenter's email)."""

    id = fields.Integer()
    position = fields.Integer()
    title = fields.String()
    description = fields.String()
    presenter_name = fields.String()
    materials = fields.List(fields.Nested(MaterialSchema))


class QuestionSchema(Schema):
    """A custom question of the registration form."""

    id = fields.Integer()
    kind = fields.String(metadata={"enum": [k.value for k in QuestionKind]})
    label = fields.String()
    required = fields.Boolean()
    options = fields.List(fields.String())


class EventSummarySchema(Schema):
    """An event in the public list, with its seat counts.

    ``counts`` is :func:`queries.counts_by_event`'s answer for the events dumped.
    """

    id = fields.Integer()
    title = fields.String()
    kind = fields.String(metadata={"enum": ["forum", "targeted"]})
    theme = fields.String()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    venue = fields.String()
    onsite_capacity = fields.Integer()
    onsite_confirmed = fields.Integer()
    onsite_waitlisted = fields.Integer()
    remote_registered = fields.Integer()
    registration_open = fields.Boolean()
    url = fields.String()

    def __init__(self, counts=None, **kwargs):
        super().__init__(**kwargs)
        self.counts = counts or {}

    @post_dump(pass_original=True)
    def _add_counts(self, data, event, **kwargs):
        """The seat counts, whether registration is open, and the event page's link."""
        data.update(self.counts.get(event.id) or
                    {"onsite_confirmed": 0, "onsite_waitlisted": 0, "remote_registered": 0})
        data["registration_open"] = operations.registration_open(event)
        data["url"] = links.event_url(event.id)
        return data


class EventDetailSchema(EventSummarySchema):
    """An event's public page as data: the summary plus description, agenda and questions."""

    description = fields.String()
    agenda = fields.List(fields.Nested(AgendaItemSchema), attribute="agenda_items")
    questions = fields.List(fields.Nested(QuestionSchema))
    checked_in = fields.Method("_checked_in", metadata={
        "description": "registrations checked in at the venue (a count; the memo's attendance)"})

    def _checked_in(self, event):
        """How many of the event's registrations were checked in (cancelled ones not counted)."""
        import sqlalchemy as sa  # local: the count is the one thing here that reads the database

        from services.registration.models import Registration, RegistrationStatus, db

        return db.session.scalar(sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.checked_in_at.is_not(None),
            Registration.status != RegistrationStatus.CANCELLED))


class RegistrationReceivedSchema(Schema):
    """The answer to every registration the API takes, new or repeated: the rest goes by email.

    It never tells whether the address had registered before, nor the registration's status.
    """

    status = fields.String(metadata={"enum": ["received"]})
    message = fields.String()
