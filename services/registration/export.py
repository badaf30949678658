"""The staff's CSV export of an event's registrations.

UTF-8 with a byte order mark and semicolons between cells, so it opens right in Finnish and
Swedish Excel; one column per custom question; a cell that starts like a formula (= + - @, tab,
carriage return) is prefixed with ' so a spreadsheet never runs it.
"""

import csv
import io

from flask_babel import format_datetime
from flask_babel import gettext as _

from services.registration.forms import LABELS

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell's text with formula injection defused."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def answer_cell(value):
    """A custom question's answer as one cell's text."""
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


def _header(event):
    """The column titles."""
    return [
        _("Name"), _("Email address"), _("Organisation"), _("Business ID"), _("Municipality"),
        _("Attendance"), _("Status"), _("Registered"), _("Dietary needs"),
        _("Accessibility needs"), _("Newsletter"), _("Checked in"),
        *[q.label for q in event.questions],
    ]


def _row(event, registration):
    """One registration's cells."""
    answers = registration.answers or {}
    return [
        registration.name, registration.email, registration.organisation,
        registration.business_id or "", registration.municipality,
        LABELS["mode"][registration.attendance_mode],
        LABELS["registration_status"][registration.status],
        format_datetime(registration.created_at, "short"), registration.dietary_needs,
        registration.accessibility_needs, answer_cell(registration.newsletter_opt_in),
        format_datetime(registration.checked_in_at, "short") if registration.checked_in_at else "",
        *[answer_cell(answers.get(str(q.id))) for q in event.questions],
    ]


def registrations_csv(event, registrations):
    """The CSV text (BOM first) of ``registrations`` of ``event``."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out, delimiter=";", quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow([safe_cell(c) for c in _header(event)])
    for registration in registrations:
        writer.writerow([safe_cell(c) for c in _row(event, registration)])
    return out.getvalue()
