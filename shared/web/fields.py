"""The marshmallow fields every service's input schemas use for people's text, addresses and ids.

``Text`` strips surrounding whitespace, refuses control characters (and line breaks, unless it is
``multiline``) and treats a blank required value as missing; ``EmailAddress`` is normalized
(stripped, lowercased) before it is checked; ``Id`` is the id of a stored row, a whole number the
databases can hold; ``UtcDateTime`` is an aware time in UTC within the years forms take. Their messages are in
the user's language, through the catalogs.
"""

import datetime as dt

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from shared.localtime import YEARS
from shared.validators import PlainText, normalize_email

REQUIRED = _l("This field is required.")
UNKNOWN = _l("There is no such item.")
#: the longest email address SMTP allows
EMAIL_MAX = 254
#: the largest id the databases hold: ids are INTEGER columns, signed 32-bit in PostgreSQL
#: (64-bit in SQLite); a larger number is "integer out of range" there, so it names no row
ID_MAX = 2**31 - 1


def too_long(max_length):
    """A length validator whose message says the limit."""
    return validate.Length(max=max_length, error=_l("Use at most {max} characters."))


class Text(fields.String):
    """A string with surrounding whitespace removed, at most ``max_length`` characters.

    Single-line by default: no control characters and no line breaks. ``multiline=True`` (a
    comment, a description, Markdown) keeps newlines and tabs but refuses other control characters.
    """

    def __init__(self, max_length, multiline=False, **kwargs):
        super().__init__(validate=too_long(max_length), **kwargs)
        #: whether newlines are part of the text
        self.multiline = multiline

    def _deserialize(self, value, attr, data, **kwargs):
        """Strip the text and check its characters; blank counts as missing for a required field."""
        text = PlainText(self.multiline)(super()._deserialize(value, attr, data, **kwargs).strip())
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


class Id(fields.Integer):
    """The id of a stored row: a whole number from 1 to ID_MAX (others name no row).

    Strict (a JSON number, not text) unless ``strict=False`` is given for a form's hidden input.
    """

    def __init__(self, strict=True, **kwargs):
        super().__init__(strict=strict, validate=validate.Range(min=1, max=ID_MAX, error=UNKNOWN),
                         **kwargs)


class UtcDateTime(fields.AwareDateTime):
    """An ISO 8601 time with its offset, loaded as UTC; invalid unless its UTC year is in YEARS."""

    def _deserialize(self, value, attr, data, **kwargs):
        """The time in UTC (0001-01-01T00:00+02:00 has none: it would be before year 1)."""
        moment = super()._deserialize(value, attr, data, **kwargs)
        try:
            moment = moment.astimezone(dt.UTC)
        except OverflowError:
            moment = None
        if moment is None or moment.year not in YEARS:
            raise self.make_error("invalid", input=value, obj_type=self.OBJ_TYPE)
        return moment
