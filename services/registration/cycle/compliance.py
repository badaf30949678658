"""The compliance dashboard's checks: each forum against each rule of the policy, as data.

Every check is computed only from the forum's milestone rows (:mod:`.milestones`: done from
evidence, never because a date passed), the event's own facts (its publication override, the
recording and its captions, its recorded changes) and its series' numbers (:mod:`.numbers`).

A check is green (done in time by the rule), amber (falls due within ``CYCLE_NOTICE_DAYS_BEFORE``,
or done late under an administrator's recorded override), red (its time passed without evidence,
or done breaking the rule) or grey (not due for a while yet, or the forum was cancelled). Each
state also has a text and an icon, so colour is never the only signal.

:func:`dashboard` loads every forum of the filter in a constant number of statements, whatever
the number of forums: the events, then their milestones, captions, changes and series by
``selectinload``, the series, and the forums a year in one grouped count.
"""

import dataclasses
import datetime as dt

import sqlalchemy as sa
from babel import dates as babel_dates
from flask import current_app, g, request, url_for
from flask_babel import get_locale, get_timezone, ngettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from services.registration.cycle import clock, milestones, numbers
from services.registration.cycle.models import MilestoneKey, Series
from services.registration.models import Event, EventKind, EventStatus, db
from shared.db import utcnow

K = MilestoneKey
#: the forums the dashboard shows (a draft has no public milestones yet)
STATUSES = (EventStatus.PUBLISHED, EventStatus.HELD, EventStatus.CANCELLED)
#: the recipients a memo must reach (memo's recipient kinds)
RECIPIENT_KINDS = {"board": _l("the boards"), "regional_government": _l("the regional government"),
                   "presenter": _l("the presenters")}

#: rule key -> what the rule asks, in the order of the dashboard's columns
RULES = {
    "agenda": _l("Agenda public in time"),
    "announced": _l("Announced in a newsletter and on the website"),
    "comments": _l("Comments open long enough"),
    "recording": _l("Recording available and captioned in time"),
    "memo_reviewed": _l("Memo reviewed before publication"),
    "memo_delivered": _l("Memo delivered to its recipients"),
}
YEAR_RULE = _l("Forums a year within the series' range")

#: state -> (its text, its icon); the text is what a screen reader and the CSV carry
STATE_TEXT = {"green": (_l("OK"), "✓"), "amber": (_l("Soon"), "!"), "red": (_l("Missing"), "✗"),
              "grey": (_l("Not yet"), "–")}
OVERRIDDEN, BROKEN = _l("Overridden"), _l("Rule broken")
CANCELLED = _l("Cancelled")
DUE, CAPTIONS_DUE = _l("%(what)s: due"), _l("Captions due")
PUBLISHED_LATE, CHANGED_LATE = _l("Published late: %(reason)s"), _l("Changed late: %(reason)s")
COMMENTS_CLOSED, EARLIEST = _l("Comments closed"), _l("Comments close at the earliest")
NOT_DELIVERED = _l("Not delivered to %(whom)s")
#: worst first: a combined check takes the worst of its parts
SEVERITY = ("red", "amber", "grey", "green")


@dataclasses.dataclass(frozen=True)
class Evidence:
    """One fact behind a check: what happened (or is due), when, and who or what did it."""

    what: str
    when: dt.datetime | None = None
    who: str = ""


@dataclasses.dataclass(frozen=True)
class Check:
    """One rule's verdict: its key, colour, text, evidence and where it is fixed."""

    rule: str
    state: str
    label: str
    text: str
    evidence: tuple = ()
    fix_url: str = ""

    @property
    def icon(self):
        """The state's icon (beside the text, never instead of it)."""
        return STATE_TEXT[self.state][1]


@dataclasses.dataclass(frozen=True)
class ForumRow:
    """One forum of the dashboard and its checks in the order of :data:`RULES`."""

    event: Event
    checks: tuple


@dataclasses.dataclass(frozen=True)
class YearRow:
    """One series' year: how many forums it had against the series' range."""

    series: Series | None
    year: int
    count: int
    check: Check


@dataclasses.dataclass(frozen=True)
class Dashboard:
    """The dashboard: a row per forum, a row per (series, year)."""

    forums: list
    years: list


def _verdict(state, text=None):
    """(state, text) with the state's own text unless another is given."""
    return state, tr(text or STATE_TEXT[state][0])


def tr(text, **values):
    """``text`` (a module-level lazy text) in the request's language, looked up once a request.

    A dashboard has hundreds of cells: resolving each lazy text anew costs more than the rest
    of the page (flask-babel looks the translations up again on every ``str``).
    """
    cache = g.setdefault("compliance_texts", {})
    if id(text) not in cache:
        cache[id(text)] = (text, str(text))  # the text is kept, so its id stays its own
    translated = cache[id(text)][1]
    return translated % values if values else translated


def when_text(value):
    """A UTC time as the pages show it (babel's "short", Helsinki, the request's language); ""
    for None. The patterns are looked up once a request and each time formatted once."""
    if value is None:
        return ""
    if "compliance_times" not in g:
        locale = get_locale()
        g.compliance_times = ({}, locale, get_timezone(), babel_dates.get_datetime_format(
            "short", locale), babel_dates.get_date_format("short", locale),
            babel_dates.get_time_format("short", locale))
    seen, locale, zone, both, date, time = g.compliance_times
    if value not in seen:
        local = value.astimezone(zone)
        seen[value] = both.replace("{1}", date.apply(local, locale)).replace(
            "{0}", time.apply(local, locale))
    return seen[value]


def _worst(*verdicts):
    """The worst of several (state, text) verdicts."""
    return min(verdicts, key=lambda v: SEVERITY.index(v[0]))


def _pending(milestone, event, now):
    """The verdict of a milestone not done yet: red past due, amber soon, grey later."""
    if milestone is None:
        return _verdict("grey")
    state = milestones.state(milestone, event.status, now)
    return _verdict({"late": "red", "due": "amber"}.get(state, "grey"))


def _timed(milestone, deadline, event, now, override=None):
    """A milestone done by ``deadline`` (green), late under an override (amber) or late (red)."""
    if milestone is None or milestone.done_at is None:
        return _pending(milestone, event, now)
    if deadline is None or milestone.done_at <= deadline:
        return _verdict("green")
    return _verdict("amber", OVERRIDDEN) if override else _verdict("red", BROKEN)


def _done(milestone, what):
    """Evidence of a milestone: done (when, by whom) or when it falls due."""
    if milestone is None:
        return []
    if milestone.done_at is not None:
        return [Evidence(tr(what), milestone.done_at, milestone.done_by or milestone.source)]
    if milestone.due_at is not None:
        return [Evidence(tr(DUE, what=tr(what)), milestone.due_at, "")]
    return []


def _overrides(event):
    """Evidence of the administrators' recorded overrides of the lead time."""
    found = []
    if event.publish_override_reason:
        found.append(Evidence(tr(PUBLISHED_LATE, reason=event.publish_override_reason),
                              event.published_at, event.publish_override_by or ""))
    for change in event.changes:
        if change.override_reason:
            found.append(Evidence(tr(CHANGED_LATE, reason=change.override_reason),
                                  change.changed_at, change.changed_by))
    return found


def _root(service):
    """The public root of ``service`` (from ``PUBLIC_URL``, as each service's ``links``)."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/{service}"


def _staff_url(service, path):
    """The absolute URL of another service's staff page."""
    return f"{_root(service)}/staff/{path}"


def _own_url(endpoint, anchor="", **values):
    """The absolute URL of one of registration's staff pages, at ``#anchor``."""
    path = url_for(endpoint, **values)[len(request.script_root):]
    return _root("registration") + path + (f"#{anchor}" if anchor else "")


def _agenda(event, rows, n, now):
    """Agenda and material public at least the series' lead days before the start."""
    overrides = _overrides(event)
    verdict = _timed(rows.get(K.AGENDA), event.starts_at - n.lead, event, now, overrides)
    evidence = [*_done(rows.get(K.AGENDA), milestones.LABELS[K.AGENDA]), *overrides]
    return verdict, evidence, _own_url("registration_staff.show_event", "agenda", event_id=event.id)


def _announced(event, rows, n, now):
    """On the website (the publication) and in a sent newsletter, by the lead time."""
    deadline, overrides = event.starts_at - n.lead, _overrides(event)
    website = _timed(rows.get(K.ANNOUNCEMENT), deadline, event, now, overrides)
    newsletter = _timed(rows.get(K.NEWSLETTER), deadline, event, now)
    evidence = [*_done(rows.get(K.ANNOUNCEMENT), milestones.LABELS[K.ANNOUNCEMENT]),
                *_done(rows.get(K.NEWSLETTER), milestones.LABELS[K.NEWSLETTER]), *overrides]
    fix = (_staff_url("notify", "campaigns/new") if newsletter[0] != "green"
           else _own_url("registration_staff.show_event", event_id=event.id))
    return _worst(website, newsletter), evidence, fix


def _closed_at(milestone):
    """When feedback closed the comments: the message's ``closed_at``, else the record time."""
    value = (milestone.evidence or {}).get("closed_at")
    if not value:
        return milestone.done_at
    closed = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return closed if closed.tzinfo else closed.replace(tzinfo=dt.UTC)


def _comments(event, rows, n, now):
    """Comments open until at least the series' comment days after the forum's end."""
    milestone, least = rows.get(K.COMMENTS_CLOSE), event.ends_at + n.comment_window
    fix = _staff_url("feedback", "forums")
    if milestone is None or milestone.done_at is None:
        return _pending(milestone, event, now), _done(milestone, milestones.LABELS[K.COMMENTS_CLOSE]), fix
    closed = _closed_at(milestone)
    verdict = _verdict("green") if closed >= least else _verdict("red", BROKEN)
    evidence = [Evidence(tr(COMMENTS_CLOSED), closed, milestone.done_by or milestone.source),
                Evidence(tr(EARLIEST), least)]
    return verdict, evidence, fix


def _captioned_at(event, rows):
    """When the recording was first captioned: the milestone, else the caption file's time."""
    milestone = rows.get(K.RECORDING_CAPTIONED)
    if milestone is not None and milestone.done_at is not None:
        return milestone.done_at, milestone.done_by
    if event.captions is not None:
        return event.captions.captioned_at, event.captions.captioned_by
    return None, ""


def _recording(event, rows, n, now):
    """The recording published by its planned day and captioned within the caption days."""
    published = rows.get(K.RECORDING_PUBLISHED)
    recording = _timed(published, published.due_at if published else None, event, now)
    evidence = _done(published, milestones.LABELS[K.RECORDING_PUBLISHED])
    captioned, by = _captioned_at(event, rows)
    fix = _own_url("registration_staff.show_event", "recording", event_id=event.id)
    if event.recording_published_at is None:
        return recording, evidence, fix
    deadline = event.recording_published_at + n.caption_deadline
    fix = _own_url("registration_staff.show_event", "captions", event_id=event.id)
    if captioned is None:
        return _worst(recording, _pending(rows.get(K.RECORDING_CAPTIONED), event, now)), [
            *evidence, Evidence(tr(CAPTIONS_DUE), deadline)], fix
    captions = _verdict("green") if captioned <= deadline else _verdict("red", BROKEN)
    return _worst(recording, captions), [
        *evidence, Evidence(tr(milestones.LABELS[K.RECORDING_CAPTIONED]), captioned, by),
        Evidence(tr(CAPTIONS_DUE), deadline)], fix


def _memo_reviewed(event, rows, _n, now):
    """The working group's sign-off before the memo was published."""
    reviewed, published = rows.get(K.MEMO_REVIEWED), rows.get(K.MEMO_PUBLISHED)
    evidence = [*_done(reviewed, milestones.LABELS[K.MEMO_REVIEWED]),
                *_done(published, milestones.LABELS[K.MEMO_PUBLISHED])]
    fix = _staff_url("memo", "memos")
    if published is None or published.done_at is None:
        return _pending(published, event, now), evidence, fix
    in_order = reviewed is not None and reviewed.done_at is not None \
        and reviewed.done_at <= published.done_at
    return (_verdict("green") if in_order else _verdict("red", BROKEN)), evidence, fix


def _recipient_kinds(rows):
    """The kinds of recipient the memo reached: the publication's recipients (``memo.published``
    names each with its kind), narrowed to those a delivery reported sent once the deliveries
    are recorded (``memo.delivered`` lists the addresses)."""
    published, delivered = rows.get(K.MEMO_PUBLISHED), rows.get(K.MEMO_DELIVERED)
    recipients = (published.evidence or {}).get("recipients", []) if published else []
    sent = None
    if delivered is not None and delivered.done_at is not None:
        sent = {str(e).lower() for e in (delivered.evidence or {}).get("sent", [])} or None
    return {r.get("kind") for r in recipients if isinstance(r, dict)
            and (sent is None or str(r.get("email", "")).lower() in sent)}


def _memo_delivered(event, rows, _n, now):
    """Delivered in time to the boards, the regional government and the presenters."""
    delivered = rows.get(K.MEMO_DELIVERED)
    verdict = _timed(delivered, delivered.due_at if delivered else None, event, now)
    evidence = _done(delivered, milestones.LABELS[K.MEMO_DELIVERED])
    missing = [tr(label) for kind, label in RECIPIENT_KINDS.items()
               if kind not in _recipient_kinds(rows)]
    if delivered is not None and delivered.done_at is not None and missing:
        verdict = _verdict("red", BROKEN)
        evidence.append(Evidence(tr(NOT_DELIVERED, whom=", ".join(missing))))
    return verdict, evidence, _staff_url("memo", "memos")


CHECKS = {"agenda": _agenda, "announced": _announced, "comments": _comments,
          "recording": _recording, "memo_reviewed": _memo_reviewed,
          "memo_delivered": _memo_delivered}


def forum_checks(event, now=None):
    """The forum's checks, in the order of :data:`RULES` (grey for a cancelled forum)."""
    now, rows, n = now or utcnow(), milestones.by_key(event), numbers.of_event(event)
    checks = []
    for rule, compute in CHECKS.items():
        (state, text), evidence, fix = compute(event, rows, n, now)
        if event.status == EventStatus.CANCELLED:
            state, text = "grey", tr(CANCELLED)
        checks.append(Check(rule, state, tr(RULES[rule]), text, tuple(evidence), fix))
    return tuple(checks)


def year_check(series, year, count, now=None):
    """A series' year against its range: a past year decides, the current one may still fill."""
    n, now = numbers.of_series(series), now or utcnow()
    low, high = n.forums_per_year_min, n.forums_per_year_max
    if count > high:
        state, text = _verdict("red", BROKEN)
    elif count >= low:
        state, text = _verdict("green")
    else:  # too few: decided for a past year, still fillable this year, not yet for later ones
        this_year = clock.local_year(now)
        state, text = _verdict("red" if year < this_year else "amber" if year == this_year
                               else "grey")
    evidence = (Evidence(ngettext("%(num)d forum; the range is %(low)s–%(high)s",
                                  "%(num)d forums; the range is %(low)s–%(high)s", count,
                                  low=low, high=high)),)
    fix = _own_url("registration_staff.list_events")
    return Check("forums_per_year", state, tr(YEAR_RULE), text, evidence, fix)


def _forums(series_id, year):
    """The dashboard's forums with everything the checks read, in 5 statements."""
    query = (sa.select(Event)
             .where(Event.kind == EventKind.FORUM, Event.status.in_(STATUSES))
             .options(selectinload(Event.milestones), selectinload(Event.captions),
                      selectinload(Event.changes), selectinload(Event.series))
             .order_by(Event.starts_at, Event.id))
    return db.session.scalars(filtered(query, series_id, year)).all()


def filtered(query, series_id, year):
    """``query`` of events narrowed to a series and a year (Helsinki, as the annual clock)."""
    if series_id is not None:
        query = query.where(Event.series_id == series_id)
    if year is not None:
        start, end = clock.year_bounds(year)
        query = query.where(Event.starts_at >= start, Event.starts_at < end)
    return query


def _counts(series_id, year):
    """{(series_id, Helsinki year): forums held or published}, counted as the annual clock
    counts them (:func:`.clock.forums_per_year`, one statement)."""
    return {(sid, y): n for (sid, y), n in clock.forums_per_year().items()
            if series_id in (None, sid) and year in (None, y)}


def _years(series_id, year, forums, now):
    """A row per (series, year) that has a forum, or the filter's year of each series."""
    counts = _counts(series_id, year)
    series = {s.id: s for s in db.session.scalars(sa.select(Series).order_by(Series.name))}
    keys = set(counts) | {(f.series_id, clock.local_year(f.starts_at)) for f in forums}
    if year is not None:
        keys |= {(sid, year) for sid in series if series_id in (None, sid)}
    ordered = sorted(keys, key=lambda k: (k[1], series[k[0]].name if k[0] in series else ""))
    return [YearRow(series.get(sid), y, counts.get((sid, y), 0),
                    year_check(series.get(sid), y, counts.get((sid, y), 0), now))
            for sid, y in ordered]


def dashboard(series_id=None, year=None, now=None):
    """Every forum (published, held, cancelled) of the filter with its checks, and the years."""
    now = now or utcnow()
    forums = _forums(series_id, year)
    rows = [ForumRow(event, forum_checks(event, now)) for event in forums]
    return Dashboard(rows, _years(series_id, year, forums, now))


def all_series():
    """The series for the dashboard's filter, by name."""
    return db.session.scalars(sa.select(Series).order_by(Series.name)).all()
