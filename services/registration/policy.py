"""The forum policy's lead time, and the administrator's recorded override that may break it.

The agenda and background material are public at least the series' lead time before a forum
(``Series.publish_lead_days``; POLICY_PUBLISH_LEAD_DAYS for an event without a series).
Every route that makes something public goes through this module: publishing
(``operations.publish``), moving a published event's start (``changes.edit``) and changing a
published agenda or its material (:func:`require_agenda_change`). Inside the lead time each of
them needs an administrator's override with a reason, recorded with who gave it: on the event
for a late publication (``publish_override_reason``), as an ``EventChange`` with
``override_reason`` for a late move or a late agenda change.
"""

import datetime as dt

from flask_babel import lazy_gettext as _l

from services.registration.cycle import milestones, numbers
from services.registration.cycle.models import MilestoneKey
from services.registration.models import ChangeAction, EventChange, EventStatus, db
from shared.db import utcnow

ALREADY = _l("An override is already recorded: the agenda can be changed.")


def _late_agenda(days):
    """Why a late agenda change is refused."""
    return _l("The forum starts in less than %(days)s days: the policy requires its agenda and "
              "material to be public by then. An administrator must first record the reason for "
              "changing them late.", days=days)


def _not_admin(days):
    """Why someone else's override is refused."""
    return _l("Only an administrator can override the policy's lead time of %(days)s days.",
              days=days)


def _no_reason(days):
    """Why an override without a reason is refused."""
    return _l("Give the reason for overriding the policy's lead time of %(days)s days.",
              days=days)


def _not_late(days):
    """Why an override that is not needed is refused."""
    return _l("The forum starts in %(days)s days or more: its agenda can be changed without an "
              "override.", days=days)


class PolicyViolation(Exception):
    """A change would break the forum's policy.

    ``str()`` is a short code (``"lead time"``, ``"empty agenda"``, ``"not a draft"``,
    ``"late agenda"``, ``"override"``); ``message`` is what the user is told, if there is one.
    """

    def __init__(self, code, message=None):
        super().__init__(code)
        self.message = message


def lead_days(event=None):
    """The least number of days between publication and the start: the event's series' (the
    settings' default for an event without a series, or when there is no event)."""
    found = numbers.of_event(event) if event is not None else numbers.defaults()
    return found.publish_lead_days


def is_late(starts_at, now=None, event=None):
    """Whether ``starts_at`` is less than the (event's) lead time away from ``now``."""
    return starts_at - (now or utcnow()) < dt.timedelta(days=lead_days(event))


def require_admin(user, event=None):
    """Refuse (PolicyViolation "override") anyone but an administrator."""
    if user is None or not user.has_role("admin"):
        raise PolicyViolation("override", _not_admin(lead_days(event)))


def override_reason(user, reason, event=None):
    """The stripped reason of an administrator's override; raises PolicyViolation("override")."""
    require_admin(user, event)
    reason = (reason or "").strip()
    if not reason:
        raise PolicyViolation("override", _no_reason(lead_days(event)))
    return reason


def _last_move(event):
    """The newest recorded change that moved the event's start, or None."""
    moves = [c for c in event.changes
             if c.action == ChangeAction.CHANGED and "starts_at" in (c.fields or {})]
    return moves[-1] if moves else None


def has_override(event):
    """Whether an override of the lead time is recorded for the event's current start.

    The publication's override counts until the event is moved; after a move, only overrides
    recorded with or after the newest move do.
    """
    move = _last_move(event)
    if move is None and event.publish_override_reason:
        return True
    return any(c.late_override and (move is None or c.id >= move.id) for c in event.changes)


def agenda_locked(event, now=None):
    """Whether changing the event's agenda now needs an override that is not recorded."""
    return (event.status == EventStatus.PUBLISHED and is_late(event.starts_at, now, event)
            and not has_override(event))


def require_agenda_change(event, now=None):
    """Refuse (PolicyViolation "late agenda") a change of a published agenda inside the lead time
    without a recorded override. Every route that adds, edits or uploads agenda content calls it."""
    if agenda_locked(event, now):
        raise PolicyViolation("late agenda", _late_agenda(lead_days(event)))


def allow_late_agenda(event, user, reason, now=None):
    """Record an administrator's override for changing the agenda inside the lead time.

    Raises PolicyViolation("override") for anyone but an admin, a blank reason, an event that
    is not published and late, or one whose override is already recorded (a double submit).
    Flushes; returns the EventChange.
    """
    reason = override_reason(user, reason, event)
    if event.status != EventStatus.PUBLISHED or not is_late(event.starts_at, now, event):
        raise PolicyViolation("override", _not_late(lead_days(event)))
    if has_override(event):
        raise PolicyViolation("override", ALREADY)
    change = EventChange(action=ChangeAction.LATE_AGENDA, reason=reason, override_reason=reason,
                         changed_by=user.email, changed_at=now or utcnow(),
                         sequence=event.sequence)
    event.changes.append(change)
    db.session.flush()
    milestones.record(event, MilestoneKey.AGENDA, change.changed_at, user.email,
                      evidence={"late_agenda_override": reason})
    return change
