"""The milestones API under /api/v1: each public forum's dated milestones, done from evidence.

Public and read-only, documented in registration's OpenAPI document. Other services (notify's
communications plan) read the milestones here instead of keeping their own idea of done.
A forum is public when it is an open forum published, held or cancelled; drafts and targeted
sessions are never shown. Errors keep the suite's format in the request's language.
"""

import datetime as dt

import sqlalchemy as sa
from flask import jsonify
from flask_babel import lazy_gettext as _l
from flask_smorest import Blueprint
from sqlalchemy.orm import selectinload

from services.registration.cycle.schemas import ForumMilestonesSchema, RangeSchema
from services.registration.models import Event, EventKind, EventStatus, db
from shared.localtime import helsinki
from shared.web.api import ErrorSchema
from shared.web.errors import error_response

#: the statuses of a forum whose milestones the public may read
PUBLIC_STATUSES = (EventStatus.PUBLISHED, EventStatus.HELD, EventStatus.CANCELLED)
#: the forum's milestones and series in one query each, however many forums
WITH_MILESTONES = (selectinload(Event.milestones), selectinload(Event.series))
NO_SUCH_FORUM = _l("There is no public forum with this id.")

blp = Blueprint("registration_cycle_api", __name__, url_prefix="/api/v1",
                description="Each public forum's milestones, done only from evidence.")


def _day_bounds(start, end):
    """[``start`` 00:00, the day after ``end`` 00:00) in Helsinki time, as UTC datetimes."""
    zone = helsinki()
    first = dt.datetime.combine(start, dt.time(), zone)
    after = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), zone)
    return first.astimezone(dt.UTC), after.astimezone(dt.UTC)


def _public_forums():
    """A select of the public forums with their milestones and series."""
    return (sa.select(Event).where(Event.kind == EventKind.FORUM,
                                   Event.status.in_(PUBLIC_STATUSES))
            .options(*WITH_MILESTONES))


@blp.route("/events/<int:event_id>/milestones")
@blp.response(200, ForumMilestonesSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown, draft or targeted event")
def show_event_milestones(event_id):
    """One public forum's milestones: due, done (with the evidence's source), late or cancelled."""
    event = db.session.scalar(_public_forums().where(Event.id == event_id))
    if event is None:
        return error_response(404, NO_SUCH_FORUM, errors={"event_id": [str(NO_SUCH_FORUM)]})
    return jsonify(ForumMilestonesSchema().dump(event))


@blp.route("/milestones")
@blp.arguments(RangeSchema, location="query", as_kwargs=True)
@blp.response(200, ForumMilestonesSchema(many=True))
@blp.alt_response(422, schema=ErrorSchema, description="Bad dates or too long a range, by field")
def list_milestones(start, end):
    """Every public forum starting from ``start`` to ``end`` (Helsinki days), by start time,
    with its status and milestones (three SQL statements however many forums)."""
    first, after = _day_bounds(start, end)
    events = db.session.scalars(
        _public_forums().where(Event.starts_at >= first, Event.starts_at < after)
        .order_by(Event.starts_at, Event.id)).all()
    return jsonify(ForumMilestonesSchema(many=True).dump(events))
