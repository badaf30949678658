"""Participation figures of forums: registrations by attendance mode and status, who checked in
at the door, the organisations by municipality, industry, size and area (registration's own
tables), and the comments by status (feedback's, read over its JSON API).

For one forum or for a filter (a series, a year), each in a fixed number of grouped statements
and one request to feedback. Organisations are counted by name (case and spaces aside) among the
active registrations; one that gave no industry, size or area counts as "not given".
"""

import dataclasses

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from services.registration.cycle import comment_counts
from services.registration.cycle.clock import COUNTED
from services.registration.cycle.compliance import filtered
from services.registration.forms import LABELS, NOT_GIVEN, PROFILE
from services.registration.models import (
    AttendanceMode,
    Event,
    EventKind,
    Registration,
    RegistrationStatus,
    db,
)

ACTIVE = (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITLISTED)
CHECKED_IN = _l("%(mode)s, checked in")
#: what the statistics call feedback's comment statuses, in their order (the same words as
#: feedback's own pages); a status feedback adds later is shown by its code
COMMENT_STATUSES = {
    "unconfirmed": _l("Not confirmed by the author"),
    "pending": _l("Waiting for moderation"),
    "approved": _l("Published"),
    "rejected": _l("Rejected"),
    "hidden": _l("Hidden"),
    "expired": _l("Expired"),
}
REPORTED = _l("Reported at least once")


@dataclasses.dataclass(frozen=True)
class Figures:
    """The figures of some forums: each a list of (label, number) in a fixed order."""

    registrations: list
    attendance: list
    municipalities: list
    per_forum: list
    #: {"industry" | "organisation_size" | "region": [(label, organisations)]}, "not given" last
    profile: dict
    #: [(label, comments)] by status, then the reported ones; None: feedback did not answer
    comments: list | None


def _by_mode_status(event_ids):
    """[(label "On-site, confirmed", number)] for every mode and status, zeros included."""
    counts = dict.fromkeys(((m, s) for m in AttendanceMode for s in RegistrationStatus), 0)
    rows = db.session.execute(
        sa.select(Registration.attendance_mode, Registration.status, sa.func.count(Registration.id))
        .where(Registration.event_id.in_(event_ids))
        .group_by(Registration.attendance_mode, Registration.status))
    for mode, status, n in rows:
        counts[(mode, status)] = n
    return [(f"{LABELS['mode'][m]}, {LABELS['registration_status'][s]}".lower().capitalize(), n)
            for (m, s), n in counts.items()]


def _attendance(event_ids):
    """[(label, number)]: confirmed and checked in, for each mode."""
    confirmed = Registration.status == RegistrationStatus.CONFIRMED
    rows = db.session.execute(
        sa.select(Registration.attendance_mode, sa.func.count(Registration.id),
                  sa.func.count(Registration.checked_in_at))
        .where(Registration.event_id.in_(event_ids), confirmed)
        .group_by(Registration.attendance_mode))
    found = {mode: (n, checked) for mode, n, checked in rows}
    figures = []
    for mode in AttendanceMode:
        n, checked = found.get(mode, (0, 0))
        figures += [(f"{LABELS['mode'][mode]}, {LABELS['registration_status']['confirmed']}"
                     .lower().capitalize(), n), (str(CHECKED_IN % {"mode": LABELS["mode"][mode]}),
                                                 checked)]
    return figures


def _municipalities(event_ids):
    """[(municipality, organisations registered from it)], most first (active registrations)."""
    organisation = _organisation()
    rows = db.session.execute(
        sa.select(Registration.municipality, sa.func.count(sa.distinct(organisation)))
        .where(Registration.event_id.in_(event_ids), Registration.status.in_(ACTIVE))
        .group_by(Registration.municipality)
        .order_by(sa.func.count(sa.distinct(organisation)).desc(), Registration.municipality))
    return [(municipality, n) for municipality, n in rows]


def _organisation():
    """An organisation's name as counted (case and surrounding spaces aside)."""
    return sa.func.lower(sa.func.trim(Registration.organisation))


def _organisations_by(name, event_ids):
    """[(label, organisations)] by the profile field ``name``, every code and "not given"."""
    column = getattr(Registration, name)
    found = dict(db.session.execute(
        sa.select(column, sa.func.count(sa.distinct(_organisation())))
        .where(Registration.event_id.in_(event_ids), Registration.status.in_(ACTIVE))
        .group_by(column)).all())
    vocabulary = PROFILE[name]
    return [*((label, found.get(code, 0)) for code, label in vocabulary.items()),
            (NOT_GIVEN, sum(n for code, n in found.items() if code not in vocabulary))]


def comment_rows(counts):
    """[(label, comments)] of feedback's ``counts`` ({status: n, "reported": n}), or None."""
    if counts is None:
        return None
    statuses = [*COMMENT_STATUSES, *sorted(set(counts) - set(COMMENT_STATUSES) - {"reported"})]
    return ([(COMMENT_STATUSES.get(status, status), counts.get(status, 0)) for status in statuses]
            + [(REPORTED, counts.get("reported", 0))])


def _per_forum(event_ids):
    """[(event, active registrations)] in the order of the forums."""
    rows = db.session.execute(
        sa.select(Event, sa.func.count(Registration.id))
        .outerjoin(Registration, sa.and_(Registration.event_id == Event.id,
                                         Registration.status.in_(ACTIVE)))
        .where(Event.id.in_(event_ids)).group_by(Event.id).order_by(Event.starts_at, Event.id))
    return [(event, n) for event, n in rows]


def _figures(event_ids):
    """The Figures of the events ``event_ids`` (a select or a list)."""
    per_forum = _per_forum(event_ids)
    counts = comment_counts.of_forums([event.id for event, _n in per_forum])
    return Figures(_by_mode_status(event_ids), _attendance(event_ids),
                   _municipalities(event_ids), per_forum,
                   {name: _organisations_by(name, event_ids) for name in PROFILE},
                   comment_rows(counts))


def of_forums(series_id=None, year=None):
    """The Figures of the published and held forums of a series and a year (None: all)."""
    ids = filtered(sa.select(Event.id).where(Event.kind == EventKind.FORUM,
                                              Event.status.in_(COUNTED)), series_id, year)
    return _figures(ids)


def of_event(event):
    """The Figures of one event."""
    return _figures([event.id])
