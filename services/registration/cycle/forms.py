"""HTML form input of the cycle's staff pages: a series, and a year plan's themes, decision
meetings and planned slots.

Like registration's :mod:`services.registration.forms`, a posted form becomes the dict a schema
loads (:func:`series_input`, ...), and the schema's errors come back per input name through
``forms.form_errors``. People are typed as lines of ``Name <email>``; an error names the line.
"""

import dataclasses
import re

from babel import dates
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from services.registration.cycle import numbers
from services.registration.cycle.models import DecisionBody
from services.registration.forms import LABELS, is_checked, present
from services.registration.models import Theme
from shared.localtime import YEARS
from shared.validators import normalize_email
from shared.vocabulary import INDUSTRIES, REGIONS
from shared.web.fields import Id, Text

#: the memo's recipient kinds, each typed into its own textarea (``memo_<kind>``)
RECIPIENT_KINDS = ("board", "regional_government", "other")
#: notify's interest codes a series' announcements may go to (themes, industries, regions;
#: notify finds the code's dimension): its subscribers who picked it
SEGMENTS = {**{theme.value: label for theme, label in LABELS["theme"].items()
               if theme != Theme.OTHER}, **INDUSTRIES, **REGIONS}
#: one "Name <email>" line; the name may be empty
CONTACT = re.compile(r"^(?P<name>[^<>]*?)\s*<(?P<email>[^<>]*)>$")
#: the most people one textarea takes
MAX_CONTACTS = 200
DAYS = _l("Enter a whole number from 1 to 365.")


def _number(**kwargs):
    """One of a series' numbers: a whole number of days (or forums) from 1 to 365."""
    return fields.Integer(required=True, strict=False,
                          validate=validate.Range(min=1, max=365, error=DAYS), **kwargs)


def _contact(number, line):
    """{"name", "email"} of one line, or raise ValidationError naming the line."""
    match = CONTACT.match(line)
    if match is None:
        raise ValidationError(_("Line %(line)d: write the name and the address as "
                                "Name <name@example.fi>.", line=number))
    email = normalize_email(match["email"])
    try:
        validate.Email()(email)
        validate.Length(max=254)(email)
    except ValidationError as exc:
        raise ValidationError(_("Line %(line)d: %(email)s is not a valid email address.",
                                line=number, email=match["email"].strip())) from exc
    name = match["name"].strip()
    if len(name) > 200:
        raise ValidationError(_("Line %(line)d: use at most 200 characters for the name.",
                                line=number))
    return {"name": name, "email": email}


class Contacts(fields.Field):
    """A textarea of ``Name <email>`` lines loaded as [{"name", "email"}], one per address."""

    def _deserialize(self, value, attr, data, **kwargs):
        """Every non-empty line parsed; the errors of all bad lines at once."""
        lines = [(n, line.strip()) for n, line in enumerate(str(value).splitlines(), 1)]
        lines = [(n, line) for n, line in lines if line]
        if len(lines) > MAX_CONTACTS:
            raise ValidationError(_("Give at most %(num)d people.", num=MAX_CONTACTS))
        contacts, errors = {}, []
        for number, line in lines:
            try:
                contact = _contact(number, line)
            except ValidationError as exc:
                errors.extend(exc.messages)
                continue
            contacts.setdefault(contact["email"], contact)
        if errors:
            raise ValidationError(errors)
        return list(contacts.values())


class SeriesForm(Schema):
    """A forum series: its name and slug, its numbers, its working body and its people."""

    name = Text(200, required=True)
    slug = fields.String(required=True, validate=[validate.Length(max=60), validate.Regexp(
        r"^[a-z0-9]+(-[a-z0-9]+)*$", error=_l("Use lowercase letters a–z, digits and hyphens."))])
    description = Text(20000, multiline=True, load_default="")
    publish_lead_days = _number()
    comment_window_days = _number()
    recording_visible_days = _number()
    caption_deadline_days = _number()
    forums_per_year_min = _number()
    forums_per_year_max = _number()
    working_body = Text(200, load_default="")
    newsletter_segment = fields.String(load_default="", validate=validate.OneOf(["", *SEGMENTS]))
    memo_board = Contacts(load_default=list)
    memo_regional_government = Contacts(load_default=list)
    memo_other = Contacts(load_default=list)
    partners = Contacts(load_default=list)
    active = fields.Boolean(load_default=False)

    @validates_schema
    def _range_in_order(self, data, **kwargs):
        """The least forums a year is not more than the most."""
        least, most = data.get("forums_per_year_min"), data.get("forums_per_year_max")
        if least and most and least > most:
            raise ValidationError(_l("The most forums a year cannot be fewer than the least."),
                                  "forums_per_year_max")


def series_input(form):
    """The dict SeriesForm loads, from the posted series form (the people's textareas as typed,
    so an error's line number is the line the admin sees)."""
    people = [f"memo_{kind}" for kind in RECIPIENT_KINDS] + ["partners"]
    data = present(form, [n for n in SeriesForm().fields if n not in ("active", *people)])
    data.update({name: form[name] for name in people if form.get(name, "").strip()})
    data["active"] = is_checked(form, "active")
    return data


def series_data(loaded):
    """SeriesForm's loaded dict as Series columns: the recipient textareas become one list."""
    data = dict(loaded)
    data["memo_recipients"] = [{**person, "kind": kind} for kind in RECIPIENT_KINDS
                               for person in data.pop(f"memo_{kind}")]
    return data


def contact_lines(people):
    """People as the textarea shows them, one ``Name <email>`` a line."""
    return "\n".join(f"{p.get('name', '')} <{p['email']}>".strip() for p in people)


def series_values(series):
    """The series form's values: an existing series', or a new one's from the defaults."""
    if series is None:
        return {**dataclasses.asdict(numbers.defaults()), "active": "y"}
    values = {name: getattr(series, name) for name in SeriesForm().fields
              if hasattr(series, name)}
    for kind in RECIPIENT_KINDS:
        values[f"memo_{kind}"] = contact_lines(
            [p for p in series.memo_recipients or [] if p.get("kind", "other") == kind])
    values["partners"] = contact_lines(series.partners or [])
    values["active"] = "y" if series.active else ""
    return values


def _one_of(kind):
    """A choice among a StrEnum's values."""
    return validate.OneOf([member.value for member in kind])


class PlanForm(Schema):
    """A new year plan of a series."""

    series_id = Id(strict=False, required=True)
    year = fields.Integer(required=True, strict=False, validate=validate.Range(
        min=YEARS.start, max=YEARS.stop - 1, error=_l("Enter a year from 2000 to 2999.")))


class Months(fields.Field):
    """Checked month boxes loaded as a sorted list of month numbers 1-12; at least one."""

    def _deserialize(self, value, attr, data, **kwargs):
        """The months, or a message asking for them."""
        try:
            months = sorted({int(v) for v in value})
        except (TypeError, ValueError) as exc:
            raise ValidationError(_l("Choose the months from January to December.")) from exc
        if not months or months[0] < 1 or months[-1] > 12:
            raise ValidationError(_l("Choose the months from January to December."))
        return months


class ThemeForm(Schema):
    """A recurring theme of a year plan and its months."""

    theme = fields.String(data_key="theme_theme", required=True, validate=_one_of(Theme))
    months = Months(data_key="theme_months", required=True)
    description = Text(2000, multiline=True, data_key="theme_description", load_default="")


class MeetingForm(Schema):
    """A decision meeting of the plan's year."""

    body = fields.String(data_key="meeting_body", required=True, validate=_one_of(DecisionBody))
    title = Text(200, data_key="meeting_title", required=True)
    meets_on = fields.Date(data_key="meeting_meets_on", required=True)
    theme = fields.String(data_key="meeting_theme", required=True, validate=_one_of(Theme))


class SlotForm(Schema):
    """A forum planned on the clock (``extra``: one "when needed", beyond the plan)."""

    planned_on = fields.Date(data_key="slot_planned_on", required=True)
    theme = fields.String(data_key="slot_theme", required=True, validate=_one_of(Theme))
    title = Text(200, data_key="slot_title", load_default="")
    extra = fields.Boolean(data_key="slot_extra", load_default=False)


def theme_input(form):
    """The dict ThemeForm loads, from the posted theme form."""
    data = present(form, ["theme_theme", "theme_description"])
    months = [m for m in form.getlist("theme_months") if m.strip()]
    if months:
        data["theme_months"] = months
    return data


def meeting_input(form):
    """The dict MeetingForm loads, from the posted decision meeting form."""
    return present(form, [f.data_key for f in MeetingForm().fields.values()])


def slot_input(form):
    """The dict SlotForm loads, from the posted slot form."""
    data = present(form, ["slot_planned_on", "slot_theme", "slot_title"])
    data["slot_extra"] = is_checked(form, "slot_extra")
    return data


#: what the pages call a decision meeting's body
BODY_LABELS = {
    DecisionBody.COUNCIL: _l("Regional council"),
    DecisionBody.REGIONAL_GOVERNMENT: _l("Regional government"),
    DecisionBody.BOARD: _l("Board"),
}


def month_names():
    """{1: "January", ...} in the user's language, as a month stands alone (a row's heading)."""
    names = dates.get_month_names("wide", context="stand-alone", locale=get_locale())
    return {number: names[number].capitalize() for number in range(1, 13)}
