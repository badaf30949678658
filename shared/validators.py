"""Validators every service's forms and APIs share: the Finnish business ID, email addresses.

The Finnish business ID (Y-tunnus) is seven digits, a hyphen and a check digit: the digits are
weighted 7, 9, 10, 5, 8, 4, 2 and summed; remainder 0 gives check digit 0, remainder 1 is never
issued, any other remainder r gives 11 - r.
"""

import re

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from marshmallow.validate import Validator

BUSINESS_ID_PATTERN = re.compile(r"^(\d{7})-(\d)$")
BUSINESS_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


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
