"""Validators every service's forms and APIs share: the Finnish business ID, email addresses,
text without control characters.

The Finnish business ID (Y-tunnus) is seven digits, a hyphen and a check digit: the digits are
weighted 7, 9, 10, 5, 8, 4, 2 and summed; remainder 0 gives check digit 0, remainder 1 is never
issued, any other remainder r gives 11 - r.

Text people type has no control characters (Unicode category Cc: C0, DEL and C1). Single-line
text (a name, a subject line) has no line breaks either: a CR or LF in a name would end up in an
email header, where it is refused (or, worse, read as a new header). Multi-line text (a comment,
a description, Markdown) keeps its newlines and tabs.
"""

import re

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from marshmallow.validate import Validator

BUSINESS_ID_PATTERN = re.compile(r"^(\d{7})-(\d)$")
BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)
#: what str.splitlines() breaks a line at
LINE_BREAKS = re.compile(r"[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]")
#: control characters of any kind
CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
#: control characters other than tab, LF and CR
CONTROL_BUT_NEWLINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
ONE_LINE = _l("Write this on one line.")
NOT_ALLOWED = _l("The text contains characters that are not allowed.")


def business_id_check_digit(digits):
    """The check digit of seven digits (a string), or None if no valid ID has them."""
    remainder = sum(int(d) * w for d, w in zip(digits, BUSINESS_ID_WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return None
    return 0 if remainder == 0 else 11 - remainder


def is_business_id(value):
    """Whether ``value`` is a Finnish business ID in the form 1234567-8 with a right check digit."""
    match = BUSINESS_ID_PATTERN.match(value) if isinstance(value, str) else None
    if match is None:
        return False
    return business_id_check_digit(match.group(1)) == int(match.group(2))


class BusinessId(Validator):
    """A marshmallow validator for the Finnish business ID (Y-tunnus)."""

    error = _l("Enter a valid business ID (Y-tunnus), e.g. 1234567-8.")

    def __call__(self, value):
        """Return ``value`` if it is a valid business ID; raise ValidationError otherwise."""
        if not is_business_id(value):
            raise ValidationError([self.error])
        return value


def normalize_email(value):
    """An email address as stored and compared: surrounding space removed, lowercased."""
    return (value or "").strip().lower()


class PlainText(Validator):
    """Text without control characters; unless ``multiline``, without line breaks either."""

    def __init__(self, multiline=False):
        self.multiline = multiline

    def __call__(self, value):
        """Return ``value`` if it is allowed; raise ValidationError saying what is wrong."""
        if not self.multiline and LINE_BREAKS.search(value):
            raise ValidationError([ONE_LINE])
        if (CONTROL_BUT_NEWLINES if self.multiline else CONTROL).search(value):
            raise ValidationError([NOT_ALLOWED])
        return value
