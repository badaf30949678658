"""The marshmallow fields every service's input schemas use for people's text and addresses.

``Text`` strips surrounding whitespace, refuses NUL characters (PostgreSQL cannot store them) and
treats a blank required value as missing; ``EmailAddress`` is normalized (stripped, lowercased)
before it is checked. Their messages are in the user's language, through the catalogs.
"""

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from shared.validators import normalize_email

REQUIRED = _l("This field is required.")
#: the longest email address SMTP allows
EMAIL_MAX = 254


def too_long(max_length):
    """A length validator whose message says the limit."""
    return validate.Length(max=max_length, error=_l("Use at most {max} characters."))


class Text(fields.String):
    """A string with surrounding whitespace removed, at most ``max_length`` characters, no NUL."""

    def __init__(self, max_length, **kwargs):
        super().__init__(validate=too_long(max_length), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        """Strip the text; blank counts as missing for a required field."""
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        if "\x00" in text:
            raise ValidationError([_l("The text contains characters that are not allowed.")])
        if self.required and not text:
            raise ValidationError([REQUIRED])
        return text


class EmailAddress(fields.Email):
    """An email address of at most EMAIL_MAX characters, stripped and lowercased, then checked."""

    def __init__(self, **kwargs):
        super().__init__(validate=too_long(EMAIL_MAX), **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        """The normalized address; blank counts as missing."""
        if isinstance(value, str):
            value = normalize_email(value)
        if value == "":
            raise ValidationError([REQUIRED])
        return super()._deserialize(value, attr, data, **kwargs)
