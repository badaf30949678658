"""Marshmallow schemas of the milestones API: the date range it takes, the forums and milestones
it answers.

Public and read-only: a milestone shows when it falls due, when it was done, its state and
where the evidence came from, never who did it (staff emails) nor the evidence's facts.
"""

from flask import current_app
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, ValidationError, fields, post_dump, validates_schema

from services.registration import links
from services.registration.cycle import milestones
from services.registration.cycle.models import MilestoneKey
from services.registration.models import EventStatus
from shared.localtime import YEARS

#: the order milestones are answered in: the cycle's
ORDER = {key: position for position, key in enumerate(MilestoneKey)}
OUT_OF_YEARS = _l("Enter a date between the years %(first)d and %(last)d.")


class RangeDate(fields.Date):
    """A ``YYYY-MM-DD`` date in the years a forum may be planned in (no overflow near 1 or 9999)."""

    def _deserialize(self, value, attr, data, **kwargs):
        """The date, refused outside :data:`shared.localtime.YEARS`."""
        day = super()._deserialize(value, attr, data, **kwargs)
        if day.year not in YEARS:
            raise ValidationError([OUT_OF_YEARS % {"first": YEARS[0], "last": YEARS[-1]}])
        return day


class RangeSchema(Schema):
    """``?start=YYYY-MM-DD&end=YYYY-MM-DD``: forums starting on these days (Helsinki), both
    included, at most ``CYCLE_MILESTONES_MAX_DAYS`` days."""

    start = RangeDate(required=True, metadata={"description": "first day (Helsinki), included"})
    end = RangeDate(required=True, metadata={"description": "last day (Helsinki), included"})

    @validates_schema
    def _a_bounded_range(self, data, **kwargs):
        """The end is not before the start, and the range is not past the maximum."""
        days = (data["end"] - data["start"]).days + 1
        if days < 1:
            raise ValidationError([_l("The end must not be before the start.")], "end")
        most = current_app.config["CYCLE_MILESTONES_MAX_DAYS"]
        if days > most:
            raise ValidationError([_l("Ask for at most %(days)d days at a time.") % {"days": most}],
                                  "end")


class MilestoneSchema(Schema):
    """One milestone of a forum, its state judged from its evidence and its due date."""

    key = fields.String(metadata={"enum": [k.value for k in MilestoneKey]})
    label = fields.Function(lambda m: str(milestones.LABELS[m.key]),
                            metadata={"type": "string", "description": "in the request's language"})
    due_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "when it falls due (null while it cannot be known)"})
    done_at = fields.AwareDateTime(allow_none=True, metadata={
        "description": "when it was done, from evidence (null: not done)"})
    state = fields.Function(lambda m: milestones.state(m, m.event.status), metadata={
        "type": "string", "enum": list(milestones.STATES), "description": (
            "done (evidence recorded), late (due passed without it), due (falls due soon), "
            "open (later) or cancelled (the forum was cancelled before it was done)")})
    source = fields.String(metadata={
        "description": "where the evidence came from: registration or a message topic"})


class ForumMilestonesSchema(Schema):
    """A public forum with its status and its milestones in the cycle's order."""

    id = fields.Integer()
    title = fields.String()
    status = fields.String(metadata={"enum": [EventStatus.PUBLISHED.value, EventStatus.HELD.value,
                                              EventStatus.CANCELLED.value]})
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    series = fields.Function(lambda event: event.series.slug if event.series else None,
                             metadata={"type": "string", "nullable": True,
                                       "description": "the series' slug (null: none)"})
    url = fields.Function(lambda event: links.event_url(event.id),
                          metadata={"type": "string", "description": "the forum's page"})
    milestones = fields.List(fields.Nested(MilestoneSchema),
                             metadata={"description": "in the order of the cycle"})

    @post_dump
    def _in_cycle_order(self, data, **kwargs):
        """The milestones in the cycle's order, whatever order their rows were made in."""
        data["milestones"].sort(key=lambda m: ORDER[MilestoneKey(m["key"])])
        return data
