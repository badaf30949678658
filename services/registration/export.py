"""The staff's CSV export of an event's registrations.

One column per custom question; the file's format (BOM, semicolons, formula injection defused)
is :mod:`shared.spreadsheets`'.
"""

from flask_babel import format_datetime
from flask_babel import gettext as _

from services.registration.forms import LABELS, PROFILE
from shared.spreadsheets import csv_text


def answer_cell(value):
    """A custom question's answer as one cell's text."""
    if value is True:
        return _("Yes")
    if value is False:
        return _("No")
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return "" if value is None else str(value)


def profile_cell(registration, name):
    """The label of the registration's ``name`` profile code (industry, size, region), or ""."""
    code = getattr(registration, name)
    return str(PROFILE[name].get(code, code)) if code else ""


def _header(event):
    """The column titles."""
    return [
        _("Name"), _("Email address"), _("Organisation"), _("Business ID"), _("Municipality"),
        _("Attendance"), _("Status"), _("Registered"), _("Dietary needs"),
        _("Accessibility needs"), _("Newsletter"), _("Checked in"),
        # after the older columns, so a spreadsheet made for those still finds them
        _("Industry"), _("Size of the organisation"), _("Area of the county"),
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
        *[profile_cell(registration, name) for name in PROFILE],
        *[answer_cell(answers.get(str(q.id))) for q in event.questions],
    ]


def registrations_csv(event, registrations):
    """The CSV text (BOM first) of ``registrations`` of ``event``."""
    return csv_text(_header(event), (_row(event, r) for r in registrations))
