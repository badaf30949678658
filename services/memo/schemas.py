"""Marshmallow schemas of the memo API: the input it loads and the answers it dumps.

Public answers never carry an email address (presenters', members' or recipients'); staff
answers show what the secretary and the working group need.
"""

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.memo import links
from services.memo.models import CompanySize, Decision, RecipientKind
from shared.web.api import ErrorSchema  # noqa: F401 - the API's documented error answer
from shared.web.fields import EmailAddress, Text
from shared.web.text import markdown

BODY_MAX = 500_000
SHORT = 200
TERM_ORDER = _l("The term must end after it starts.")


def _html(body):
    """A Markdown body as sanitized HTML."""
    return str(markdown(body))


# -- input

class VersionInput(Schema):
    """A save of the memo's text (also the text of a correction)."""

    body = Text(BODY_MAX, multiline=True, required=True)


class NamesInput(Schema):
    """The chair's and the secretary's names on the memo's header (single lines, may be blank)."""

    chair_name = Text(SHORT, load_default="")
    secretary_name = Text(SHORT, load_default="")


class SignOffInput(Schema):
    """A member's decision; a request for changes says what, about a paragraph or the whole."""

    decision = fields.String(required=True, validate=validate.OneOf([d.value for d in Decision]))
    comment = Text(5000, multiline=True, load_default="")
    paragraph = fields.Integer(load_default=None, allow_none=True, strict=True,
                               validate=validate.Range(min=1))


class FollowUpInput(Schema):
    """The fields of a follow-up a secretary changes (any of them)."""

    handling_body = Text(SHORT)
    handled_on = fields.Date(allow_none=True)
    outcome = Text(5000, multiline=True)
    decision_url = fields.Url(validate=validate.Length(max=500))


class TermInput(Schema):
    """A council term."""

    label = Text(20, required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)

    @validates_schema
    def _ends_after_start(self, data, **kwargs):
        """The term ends after it starts."""
        if data["ends_on"] <= data["starts_on"]:
            raise ValidationError([TERM_ORDER], "ends_on")


class MemberInput(Schema):
    """A working-group member."""

    name = Text(SHORT, required=True)
    email = EmailAddress(required=True)
    organisation = Text(SHORT, required=True)
    industry = Text(100, required=True)
    company_size = fields.String(required=True,
                                 validate=validate.OneOf([s.value for s in CompanySize]))
    region = Text(100, required=True)
    staff_email = EmailAddress(load_default=None, allow_none=True)
    active = fields.Boolean(load_default=True)


class RecipientInput(Schema):
    """An entry of the recipient list."""

    name = Text(SHORT, required=True)
    email = EmailAddress(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(
        [RecipientKind.BOARD.value, RecipientKind.REGIONAL_GOVERNMENT.value,
         RecipientKind.OTHER.value]))
    active = fields.Boolean(load_default=True)


# -- public answers

class PublicFollowUpUpdateSchema(Schema):
    """One logged change of a follow-up."""

    changes = fields.Dict()
    changed_at = fields.AwareDateTime()
    after_publication = fields.Boolean()


class PublicFollowUpSchema(Schema):
    """How an agenda item's matter is handled."""

    id = fields.Integer()
    agenda_item = fields.Function(lambda f: f.agenda_item.title)
    position = fields.Function(lambda f: f.agenda_item.position)
    handling_body = fields.String()
    handled_on = fields.Date(allow_none=True)
    outcome = fields.String()
    decision_url = fields.String()
    updated_at = fields.AwareDateTime()
    updates = fields.List(fields.Nested(PublicFollowUpUpdateSchema))


class PublicationSchema(Schema):
    """A publication: first, or a correction linking the earlier one."""

    id = fields.Integer()
    kind = fields.String()
    version = fields.Function(lambda p: p.version.number)
    published_at = fields.AwareDateTime()
    corrects_id = fields.Integer(allow_none=True)


class PublicMemoSchema(Schema):
    """A published memo: the text in force, the approval record, publications, follow-ups."""

    id = fields.Integer()
    forum_id = fields.Integer()
    title = fields.Function(lambda m: m.forum.title)
    state = fields.String()
    locale = fields.String()
    url = fields.Function(lambda m: links.memo_url(m.id))
    body = fields.Function(lambda m: m.publication.version.body)
    body_html = fields.Function(lambda m: _html(m.publication.version.body))
    publications = fields.List(fields.Nested(PublicationSchema))


def dump_public(memo, follow_ups, approvals):
    """A published memo as the public API shows it, with its follow-ups and approval record."""
    data = PublicMemoSchema().dump(memo)
    data["follow_ups"] = PublicFollowUpSchema(many=True).dump(follow_ups)
    data["approvals"] = [{"member": s.member.name, "organisation": s.member.organisation,
                          "approved_at": s.created_at.isoformat()} for s in approvals]
    return data


class MemoSummarySchema(Schema):
    """A memo in a list."""

    id = fields.Integer()
    forum_id = fields.Integer()
    title = fields.Function(lambda m: m.forum.title)
    state = fields.String()
    url = fields.Function(lambda m: links.memo_url(m.id))


# -- staff answers

class VersionSchema(Schema):
    """One saved version."""

    number = fields.Integer()
    author_name = fields.String()
    restored_from = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()
    body = fields.String()
    body_html = fields.Function(lambda v: _html(v.body))


class VersionSummarySchema(Schema):
    """A version in the list (without its text)."""

    number = fields.Integer()
    author_name = fields.String()
    restored_from = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()


class SignOffSchema(Schema):
    """A member's sign-off in a round."""

    member = fields.Function(lambda s: s.member.name)
    organisation = fields.Function(lambda s: s.member.organisation)
    decision = fields.String()
    comment = fields.String()
    paragraph = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()


class RoundSchema(Schema):
    """A review round with its sign-offs."""

    id = fields.Integer()
    version = fields.Function(lambda r: r.version.number)
    outcome = fields.String()
    opened_at = fields.AwareDateTime()
    closed_at = fields.AwareDateTime(allow_none=True)
    sign_offs = fields.List(fields.Nested(SignOffSchema))


class HistorySchema(Schema):
    """One history entry."""

    action = fields.String()
    from_state = fields.String(allow_none=True)
    to_state = fields.String(allow_none=True)
    version_number = fields.Integer(allow_none=True)
    actor_name = fields.String()
    note = fields.String()
    at = fields.AwareDateTime()


class DeliverySchema(Schema):
    """One recipient's copy of a publication."""

    publication_id = fields.Integer()
    kind = fields.String()
    name = fields.String()
    email = fields.String()
    status = fields.String()
    reported_at = fields.AwareDateTime(allow_none=True)


class StaffMemoSchema(MemoSummarySchema):
    """A memo as the secretary and the working group see it."""

    staff_url = fields.Function(lambda m: links.staff_memo_url(m.id))
    chair_name = fields.String()
    secretary_name = fields.String()
    attendance = fields.Dict(allow_none=True)
    comment_count = fields.Integer()
    organisation_count = fields.Integer()
    latest = fields.Nested(VersionSchema)
    versions = fields.List(fields.Nested(VersionSummarySchema))
    history = fields.List(fields.Nested(HistorySchema))
    publications = fields.List(fields.Nested(PublicationSchema))


class DiffSchema(Schema):
    """Two versions compared line by line."""

    old = fields.Integer()
    new = fields.Integer()
    lines = fields.List(fields.Dict(), metadata={"description": '[{"op": " |-|+", "text"}]'})
    html = fields.String(metadata={"description": "the diff as escaped HTML (<del>, <ins>)"})


class MemberSchema(Schema):
    """A working-group member (staff only)."""

    id = fields.Integer()
    term_id = fields.Integer()
    name = fields.String()
    email = fields.String()
    organisation = fields.String()
    industry = fields.String()
    company_size = fields.String()
    region = fields.String()
    staff_email = fields.String(allow_none=True)
    active = fields.Boolean()


class TermSchema(Schema):
    """A council term with its members."""

    id = fields.Integer()
    label = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    members = fields.List(fields.Nested(MemberSchema))


class RecipientSchema(Schema):
    """An entry of the recipient list."""

    id = fields.Integer()
    name = fields.String()
    email = fields.String()
    kind = fields.String()
    active = fields.Boolean()
