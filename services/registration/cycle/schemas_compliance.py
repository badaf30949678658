"""Marshmallow schemas of the compliance dashboard: its filter (page, exports and API) and the
JSON the staff API answers.

The filter takes a series by its slug and a year; unknown query parameters (``lang``) are left
alone. A slug that names no series, or a year that is not a year, is a field error (422).
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields, post_load, validate

from services.registration.cycle.models import Series
from services.registration.models import db
from shared.localtime import YEARS

UNKNOWN_SERIES = _l("There is no such series.")
BAD_YEAR = _l("Enter a year from %(first)s to %(last)s.", first=YEARS[0], last=YEARS[-1])


class ComplianceQuery(Schema):
    """``?series=<slug>&year=<yyyy>``; both optional. Loads {"series": Series|None, "year"}."""

    class Meta:
        unknown = EXCLUDE

    series = fields.String(load_default=None, metadata={"description": "a series' slug"})
    year = fields.Integer(load_default=None, validate=validate.Range(
        min=YEARS[0], max=YEARS[-1], error=BAD_YEAR),
        metadata={"description": "the forums starting in this year (UTC)"})

    @post_load
    def _series_row(self, data, **_kwargs):
        """The series the slug names (a field error when it names none)."""
        slug = (data.get("series") or "").strip()
        data["series"] = None
        if slug:
            data["series"] = db.session.scalar(sa.select(Series).where(Series.slug == slug))
            if data["series"] is None:
                raise ValidationError({"series": [str(UNKNOWN_SERIES)]})
        return data


class EvidenceSchema(Schema):
    """One fact behind a check."""

    what = fields.String()
    when = fields.AwareDateTime(allow_none=True)
    who = fields.String()


class CheckSchema(Schema):
    """One rule's verdict on a forum (or a series' year)."""

    rule = fields.String(metadata={"enum": ["agenda", "announced", "comments", "recording",
                                            "memo_reviewed", "memo_delivered", "forums_per_year"]})
    state = fields.String(metadata={"enum": ["green", "amber", "red", "grey"]})
    label = fields.String(metadata={"description": "what the rule asks, in the user's language"})
    text = fields.String(metadata={"description": "the state in words (OK, Soon, Missing...)"})
    evidence = fields.List(fields.Nested(EvidenceSchema))
    fix_url = fields.String(metadata={"description": "the staff page where it is fixed"})


class ForumComplianceSchema(Schema):
    """A forum with its checks."""

    id = fields.Integer(attribute="event.id")
    title = fields.String(attribute="event.title")
    status = fields.String(attribute="event.status")
    starts_at = fields.AwareDateTime(attribute="event.starts_at")
    series = fields.Function(lambda row: row.event.series.slug if row.event.series else None)
    checks = fields.List(fields.Nested(CheckSchema))


class YearComplianceSchema(Schema):
    """A series' year against its range of forums."""

    series = fields.Function(lambda row: row.series.slug if row.series else None)
    year = fields.Integer()
    count = fields.Integer()
    check = fields.Nested(CheckSchema)


class DashboardSchema(Schema):
    """The whole dashboard."""

    forums = fields.List(fields.Nested(ForumComplianceSchema))
    years = fields.List(fields.Nested(YearComplianceSchema))
