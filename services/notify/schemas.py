"""Marshmallow schemas of the notify service's HTTP input and output.

:class:`SubscribeSchema` loads a subscription from the public form or the JSON API,
:class:`PreferencesSchema` a subscriber's changes, :class:`CampaignSchema` a newsletter the staff
compose (its ``announcement_id`` must name a stored announcement). Every message is a lazy
translated string (or one of marshmallow's own, which :mod:`shared.web.messages` translates).
"""

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from services.notify.interests import INDUSTRIES, REGIONS, THEMES
from services.notify.models import Announcement, db
from shared.config import LANGUAGES
from shared.validators import PlainText
from shared.web.api import ErrorSchema  # noqa: F401 - the API's documented error answer
from shared.web.fields import UNKNOWN, EmailAddress, Id, Text

SHORT_TEXT_MAX = 200
SUBJECT_MAX = 200
BODY_MAX = 50_000
TOKEN_MAX = 400


class Codes(fields.List):
    """A list of codes, each one of ``known``, duplicates dropped; one flat message if not."""

    def __init__(self, known, **kwargs):
        self.known = list(known)
        super().__init__(fields.String(), load_default=list, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        """The distinct codes in their order, or a ValidationError with one message."""
        if not isinstance(value, list | tuple):
            raise ValidationError([_l("Choose from the list.")])
        if not all(isinstance(code, str) and code in self.known for code in value):
            raise ValidationError([_l("Choose one of the options.")])
        return list(dict.fromkeys(value))


def _codes(known):
    """A list of distinct codes, each one of ``known``."""
    return Codes(known)


class InterestsMixin(Schema):
    """The subscriber's language and interests."""

    locale = fields.String(load_default="fi", validate=validate.OneOf(
        LANGUAGES, error=_l("Choose one of the options.")))
    industries = _codes(INDUSTRIES)
    regions = _codes(REGIONS)
    themes = _codes(THEMES)


class SubscribeSchema(InterestsMixin):
    """A request to receive the newsletter; the address is confirmed by email."""

    email = EmailAddress(required=True)
    name = Text(SHORT_TEXT_MAX, load_default="")
    organisation = Text(SHORT_TEXT_MAX, load_default="")


class PreferencesSchema(InterestsMixin):
    """What a subscriber may change on their own page."""

    name = Text(SHORT_TEXT_MAX, load_default="")
    organisation = Text(SHORT_TEXT_MAX, load_default="")


class TokenSchema(Schema):
    """A token from an emailed link (confirm, unsubscribe)."""

    token = fields.String(required=True, validate=[validate.Length(1, TOKEN_MAX), PlainText()])


class SegmentSchema(Schema):
    """Who a campaign goes to: empty lists mean everyone."""

    industries = _codes(INDUSTRIES)
    regions = _codes(REGIONS)
    themes = _codes(THEMES)


class CampaignSchema(Schema):
    """A newsletter: Finnish required, Swedish and English optional (both fields or neither)."""

    subject_fi = Text(SUBJECT_MAX, required=True)
    body_fi = Text(BODY_MAX, multiline=True, required=True)
    subject_sv = Text(SUBJECT_MAX, load_default="")
    body_sv = Text(BODY_MAX, multiline=True, load_default="")
    subject_en = Text(SUBJECT_MAX, load_default="")
    body_en = Text(BODY_MAX, multiline=True, load_default="")
    segment = fields.Nested(SegmentSchema, load_default=dict)
    #: the forum announcement the newsletter was started from, if any
    announcement_id = Id(load_default=None, allow_none=True, strict=False)

    @validates("announcement_id")
    def _announcement_exists(self, value, **kwargs):
        """An announcement id names a stored announcement."""
        if value is not None and db.session.get(Announcement, value) is None:
            raise ValidationError([UNKNOWN])

    @validates_schema
    def _both_or_neither(self, data, **kwargs):
        """A translation needs its subject and its text."""
        errors = {}
        for lang in ("sv", "en"):
            subject, body = data.get(f"subject_{lang}"), data.get(f"body_{lang}")
            if subject and not body:
                errors[f"body_{lang}"] = [_l("Write the text of this language version too.")]
            if body and not subject:
                errors[f"subject_{lang}"] = [_l("Write the subject of this language version too.")]
        if errors:
            raise ValidationError(errors)


def campaign_content(data):
    """The Campaign.content dict of a loaded CampaignSchema."""
    return {lang: {"subject": data[f"subject_{lang}"], "body": data[f"body_{lang}"]}
            for lang in ("fi", "sv", "en") if data.get(f"subject_{lang}")}



class StatusSchema(Schema):
    """A short answer: what happened and what comes next."""

    status = fields.String(required=True)
    message = fields.String()


class DeliveryCountsSchema(Schema):
    """A campaign's progress for staff."""

    id = fields.Integer()
    status = fields.String()
    pause_reason = fields.String(allow_none=True)
    counts = fields.Dict(keys=fields.String(), values=fields.Integer())


class NewsletterSchema(Schema):
    """A sent newsletter in the public archive, in the reader's language (or Finnish)."""

    id = fields.Integer()
    language = fields.String()
    subject = fields.String()
    body_markdown = fields.String()
    sent_at = fields.AwareDateTime()
    url = fields.String()


class AnnouncementSchema(Schema):
    """An item of the public feed: a published forum or a sent newsletter."""

    kind = fields.Function(lambda a: a.kind.value)
    title = fields.String()
    summary = fields.String()
    url = fields.String()
    published_at = fields.AwareDateTime()
    updated_at = fields.AwareDateTime()
