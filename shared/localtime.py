"""Times as staff type them: ``datetime-local`` inputs in the suite's zone (Europe/Helsinki).

Times are stored in UTC and shown and entered in Helsinki time (rule 7 of the house); these two
helpers are the only place that converts a form's wall-clock time. A time outside YEARS is
refused: nothing the forum plans lies there, and a time near year 1 or 9999 has no UTC time (or
none a week later).
"""

import datetime as dt
import zoneinfo

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import fields

#: the years a time typed into a form may fall in
YEARS = range(2000, 3000)


def helsinki():
    """The zone the pages show and take times in."""
    return zoneinfo.ZoneInfo(current_app.config["TIMEZONE"])


def to_local_input(value):
    """A UTC datetime as the value of a datetime-local input in Helsinki time."""
    return value.astimezone(helsinki()).strftime("%Y-%m-%dT%H:%M") if value else ""


class LocalDateTime(fields.Field):
    """A datetime-local input (Helsinki wall time) loaded as an aware UTC datetime."""

    default_error_messages = {"invalid": _l("Enter a date and time (day, month, year, hh:mm).")}

    def _deserialize(self, value, attr, data, **kwargs):
        """Parse ``YYYY-MM-DDTHH:MM`` in Helsinki time."""
        try:
            local = dt.datetime.fromisoformat(str(value).strip())
        except ValueError as exc:
            raise self.make_error("invalid") from exc
        if local.tzinfo is not None or local.year not in YEARS:
            raise self.make_error("invalid")
        return local.replace(tzinfo=helsinki()).astimezone(dt.UTC)
