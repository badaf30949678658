"""Each forum's dated milestones: when they fall due, and recording them done from evidence.

:func:`schedule` keeps a forum's milestone rows and their due dates in step with the event and
its series' numbers (called on every save of a forum: creation, edit, publication, change).
:func:`record` marks one done, once: it is called where the thing happened, by registration
itself (the publication, the reminders, the recording) or by the milestone consumer for another
service's message. A milestone is never done because its date passed.

:func:`state` tells done, due, late and cancelled apart, for the dashboard and the plan.
"""

import datetime as dt

from flask import current_app
from flask_babel import lazy_gettext as _l

from services.registration.cycle import numbers
from services.registration.cycle.models import Milestone, MilestoneKey
from services.registration.models import EventKind, EventStatus, db
from shared.auth import Role
from shared.db import utcnow

K = MilestoneKey

LABELS = {
    K.ANNOUNCEMENT: _l("Announced on the website"),
    K.AGENDA: _l("Agenda and material published"),
    K.NEWSLETTER: _l("Announced in a newsletter"),
    K.REGISTRATION_CLOSES: _l("Registration closes"),
    K.REMINDER: _l("Registration reminder"),
    K.EVENT: _l("Forum held"),
    K.COMMENTS_OPEN: _l("Comments open"),
    K.COMMENTS_CLOSE: _l("Comments close"),
    K.RECORDING_PUBLISHED: _l("Recording published"),
    K.RECORDING_CAPTIONED: _l("Recording captioned"),
    K.RECORDING_EXPIRED: _l("Recording expired"),
    K.MEMO_DRAFTED: _l("Memo drafted"),
    K.MEMO_REVIEWED: _l("Memo reviewed by the working group"),
    K.MEMO_PUBLISHED: _l("Memo published"),
    K.MEMO_DELIVERED: _l("Memo delivered"),
}

#: the role emailed before a milestone falls due and when it is late (None: the clock does it)
RESPONSIBLE = {
    K.ANNOUNCEMENT: Role.SECRETARY,
    K.AGENDA: Role.SECRETARY,
    K.NEWSLETTER: Role.COMMUNICATIONS,
    K.REGISTRATION_CLOSES: None,
    K.REMINDER: None,
    K.EVENT: None,
    K.COMMENTS_OPEN: None,
    K.COMMENTS_CLOSE: Role.MODERATOR,
    K.RECORDING_PUBLISHED: Role.SECRETARY,
    K.RECORDING_CAPTIONED: Role.SECRETARY,
    K.RECORDING_EXPIRED: None,
    K.MEMO_DRAFTED: Role.SECRETARY,
    K.MEMO_REVIEWED: Role.WORKING_GROUP,
    K.MEMO_PUBLISHED: Role.SECRETARY,
    K.MEMO_DELIVERED: Role.SECRETARY,
}

STATES = {"done": _l("Done"), "due": _l("Due"), "late": _l("Late"),
          "cancelled": _l("Cancelled"), "open": _l("Not yet due")}


def _days(setting):
    """A number of days from settings, as a timedelta."""
    return dt.timedelta(days=current_app.config[setting])


def due_dates(event):
    """{key: when it falls due (UTC), or None while that cannot be known} for a forum."""
    n = numbers.of_event(event)
    config = current_app.config
    comments_close = event.ends_at + n.comment_window
    recording = event.recording_published_at
    return {
        K.ANNOUNCEMENT: event.starts_at - n.lead,
        K.AGENDA: event.starts_at - n.lead,
        K.NEWSLETTER: event.starts_at - n.lead,
        K.REGISTRATION_CLOSES: event.registration_closes_at or event.starts_at,
        K.REMINDER: event.starts_at - dt.timedelta(hours=config["REMINDER_HOURS_BEFORE"]),
        K.EVENT: event.starts_at,
        K.COMMENTS_OPEN: event.starts_at,
        K.COMMENTS_CLOSE: comments_close,
        K.RECORDING_PUBLISHED: event.ends_at + _days("PLAN_RECORDING_DAYS_AFTER"),
        K.RECORDING_CAPTIONED: recording + n.caption_deadline if recording else None,
        K.RECORDING_EXPIRED: recording + n.recording_visible if recording else None,
        K.MEMO_DRAFTED: comments_close + _days("CYCLE_MEMO_DRAFTED_DAYS_AFTER_COMMENTS"),
        K.MEMO_REVIEWED: comments_close + _days("CYCLE_MEMO_REVIEWED_DAYS_AFTER_COMMENTS"),
        K.MEMO_PUBLISHED: comments_close + _days("PLAN_MEMO_DAYS_AFTER_COMMENTS"),
        K.MEMO_DELIVERED: comments_close + _days("PLAN_MEMO_DAYS_AFTER_COMMENTS")
        + _days("CYCLE_MEMO_DELIVERED_DAYS_AFTER_PUBLISHED"),
    }


def by_key(event):
    """{key: the event's Milestone row}."""
    return {m.key: m for m in event.milestones}


def schedule(event):
    """Create the forum's milestone rows and set their due dates; flush.

    A targeted session has no public milestones: making a forum targeted removes those not done
    (done ones stay as the record of what happened). A milestone whose due date moves is
    notified again (its due and late emails are forgotten). Returns {key: Milestone}.
    """
    rows = by_key(event)
    if event.kind != EventKind.FORUM:
        for milestone in list(event.milestones):
            if milestone.done_at is None:
                event.milestones.remove(milestone)
        db.session.flush()
        return by_key(event)
    for key, due_at in due_dates(event).items():
        milestone = rows.get(key)
        if milestone is None:
            milestone = rows[key] = Milestone(key=key)
            event.milestones.append(milestone)
        if milestone.due_at != due_at and milestone.due_at is not None:
            # a moved date is told again: the due and late emails follow the new date
            milestone.due_notified_at = milestone.late_notified_at = None
        milestone.due_at = due_at
    db.session.flush()
    return rows


def record(event, key, at=None, by="", source="registration", evidence=None):
    """Mark the forum's milestone ``key`` done at ``at`` (now), once; flush; return it.

    A second report of a done milestone keeps the first time and adds its evidence under
    ``"again"`` (a replaced recording link, a re-sent newsletter). None for an event with no
    such milestone (a targeted session).
    """
    milestone = by_key(event).get(key)
    if milestone is None:
        milestone = schedule(event).get(key)
        if milestone is None:
            return None
    at = at or utcnow()
    if milestone.done_at is None:
        milestone.done_at, milestone.done_by, milestone.source = at, by or "", source
        milestone.evidence = dict(evidence or {})
    elif evidence:
        again = list((milestone.evidence or {}).get("again", []))
        again.append({"at": at.isoformat(), "by": by or "", "source": source, **evidence})
        milestone.evidence = {**(milestone.evidence or {}), "again": again}
    db.session.flush()
    return milestone


def reopen(event, key):
    """Forget that ``key`` was done, keeping the old evidence under ``"before"`` (a forum moved
    to a new day is reminded again); flush."""
    milestone = by_key(event).get(key)
    if milestone is None or milestone.done_at is None:
        return
    before = {"done_at": milestone.done_at.isoformat(), "by": milestone.done_by,
              **(milestone.evidence or {})}
    milestone.done_at, milestone.done_by, milestone.source = None, "", ""
    milestone.evidence = {"before": before}
    milestone.due_notified_at = milestone.late_notified_at = None
    db.session.flush()


def timeline(event, now=None):
    """The forum's milestones in due order for a staff page: [{key, label, due_at, state,
    state_text, done_at, done_by, source}] (empty for an event with none)."""
    now = now or utcnow()
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    order = list(MilestoneKey)
    rows = sorted(event.milestones, key=lambda m: (m.due_at or far, order.index(m.key)))
    return [{"key": m.key, "label": LABELS[m.key], "due_at": m.due_at, "done_at": m.done_at,
             "done_by": m.done_by, "source": m.source,
             "state": (found := state(m, event.status, now)), "state_text": STATES[found]}
            for m in rows]


def state(milestone, event_status, now=None):
    """'done', 'late' (due passed, not done), 'due' (falls due within the notice days),
    'open' (later) or 'cancelled' (the forum was cancelled before it was done)."""
    if milestone.done_at is not None:
        return "done"
    if event_status == EventStatus.CANCELLED:
        return "cancelled"
    if milestone.due_at is None:
        return "open"
    now = now or utcnow()
    if now > milestone.due_at:
        return "late"
    if milestone.due_at - now <= _days("CYCLE_NOTICE_DAYS_BEFORE"):
        return "due"
    return "open"
