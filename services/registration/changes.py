"""Changes of a published event that reach everyone: rescheduling, moving, cancelling.

* A change of a published event's time, venue, remote link, mode (on-site seats or none) or kind
  needs a reason. It is recorded (``EventChange``: what, why, who), bumps the event's
  ``sequence``, and writes ``event.changed`` and an email with the updated .ics to every
  registrant and invitee, all in the caller's transaction. A new start makes the day-before
  reminder due again.
* Moving the start inside the policy's lead time is a late publication: it needs an
  administrator's override with a reason, recorded on the change (:mod:`policy`).
* Cancelling needs a reason too; a published event's cancellation writes ``event.cancelled``
  and a cancelling .ics (``METHOD:CANCEL``) to everyone. A draft had nobody to tell.
* The editor and the cancel form carry the ``sequence`` they were made from: a stale one (the
  form sent twice, or someone's change in between) is refused and changes nothing.

Refusals are :class:`ChangeRefused`, naming the input their message belongs next to. Flush only.
"""

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from services.registration import emails, operations, policy
from services.registration.cycle import milestones
from services.registration.cycle.models import MilestoneKey
from services.registration.models import (
    ChangeAction,
    EventChange,
    EventStatus,
    Registration,
    db,
)
from shared.db import utcnow

#: the event's columns whose change its registrants are told of
NOTICE_FIELDS = ("starts_at", "ends_at", "venue", "remote_join_url", "kind")
REASON_REQUIRED = _l("Give the reason: it is emailed to every registrant and invitee.")
STALE = _l("The event changed after this form was opened (was it sent twice?). Nothing was "
           "saved: check the event and try again.")
ALREADY_CANCELLED = _l("The event is already cancelled.")
NOT_CANCELLABLE = _l("Only a draft or a published event can be cancelled.")
CONFIRM = _l("Tick the box to confirm the cancellation.")


class ChangeRefused(Exception):
    """A change is refused; ``field`` is the input ``message`` belongs next to, ``status`` the
    HTTP status that answers it (409: the event is not in the state the form was made from)."""

    def __init__(self, field, message, status=422):
        super().__init__(field)
        self.field, self.message, self.status = field, message, status


def _plain(value):
    """A column value as JSON (times in ISO 8601, enums as their values)."""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return getattr(value, "value", value)


def _mode(capacity):
    """The event's attendance: on-site and remote, or remote only (no seats)."""
    return "onsite_and_remote" if capacity > 0 else "remote"


def _same(before, after):
    """Whether a value is unchanged; times to the minute, as the editor shows them."""
    if isinstance(before, dt.datetime) and isinstance(after, dt.datetime):
        return before.replace(second=0, microsecond=0) == after.replace(second=0, microsecond=0)
    return before == after


def noticed(event, values):
    """{field: [before, after]} of the changes in ``values`` that registrants are told of."""
    found = {name: [_plain(getattr(event, name)), _plain(values[name])]
             for name in NOTICE_FIELDS
             if name in values and not _same(getattr(event, name), values[name])}
    if "onsite_capacity" in values:
        before, after = _mode(event.onsite_capacity), _mode(values["onsite_capacity"])
        if before != after:
            found["mode"] = [before, after]
    return found


def _check_sequence(event, sequence, field):
    """Refuse a form made from an older state of the event (its message next to ``field``)."""
    if sequence is not None and sequence != event.sequence:
        raise ChangeRefused(field, STALE, 409)


def _late_override(event, found, values, user, override_reason, now):
    """The admin's override reason when the start moves to inside the lead time, else None.

    Only a move counts: a new venue of a forum already inside the lead time needs none.
    """
    if "starts_at" not in found or not policy.is_late(values["starts_at"], now, event):
        return None
    try:
        return policy.override_reason(user, override_reason, event)
    except policy.PolicyViolation as exc:
        raise ChangeRefused("override_reason", exc.message) from exc


def edit(event, values, user, reason="", override_reason="", sequence=None, now=None):
    """Apply the editor's ``values`` to ``event``; returns the recorded EventChange or None.

    A draft (or a held or cancelled event) just takes them. A published event's change that
    registrants are told of needs ``reason`` (and inside the lead time an admin's
    ``override_reason``); it is recorded and sent. A capacity change confirms people from the
    waiting list as seats allow. Raises ChangeRefused and changes nothing.
    """
    now = now or utcnow()
    values = dict(values)
    found = noticed(event, values) if event.status == EventStatus.PUBLISHED else {}
    if event.status == EventStatus.PUBLISHED:
        _check_sequence(event, sequence, "change_reason")
    late = None
    if found:
        reason = (reason or "").strip()
        if not reason:
            raise ChangeRefused("change_reason", REASON_REQUIRED)
        late = _late_override(event, found, values, user, override_reason, now)
    capacity = values.pop("onsite_capacity", event.onsite_capacity)
    for name, value in values.items():
        setattr(event, name, value)
    if capacity != event.onsite_capacity:
        operations.set_capacity(event, capacity)
    if event.milestones or event.status != EventStatus.DRAFT:
        milestones.schedule(event)  # its due dates follow the new times and kind
    if not found:
        db.session.flush()
        return None
    change = _record(event, ChangeAction.CHANGED, reason, user, now, fields=found,
                     override_reason=late)
    if "starts_at" in found:  # the day-before reminder is due again, for the new day
        db.session.execute(sa.update(Registration).where(Registration.event_id == event.id)
                           .values(reminder_sent_at=None).execution_options(
                               synchronize_session=False))
        milestones.reopen(event, MilestoneKey.REMINDER)
    emails.event_changed(event, change)
    return change


def _record(event, action, reason, user, now, **values):
    """Bump the event's sequence and record the change; flushes."""
    event.sequence = (event.sequence or 0) + 1
    change = EventChange(action=action, reason=reason, changed_by=user.email if user else "",
                         changed_at=now, sequence=event.sequence, **values)
    event.changes.append(change)
    db.session.flush()
    return change


def cancel(event, user, reason, confirmed=False, sequence=None, now=None):
    """Cancel a draft or published event; returns the recorded EventChange.

    Needs the confirmation and a reason. A published event's registrants and invitees get the
    reason and a cancelling .ics, and ``event.cancelled`` goes out. Raises ChangeRefused for an
    event already cancelled (a double submit), a held one, a stale form, no confirmation or no
    reason, and changes nothing.
    """
    now = now or utcnow()
    if event.status == EventStatus.CANCELLED:
        raise ChangeRefused("reason", ALREADY_CANCELLED, 409)
    if event.status not in (EventStatus.DRAFT, EventStatus.PUBLISHED):
        raise ChangeRefused("reason", NOT_CANCELLABLE, 409)
    _check_sequence(event, sequence, "reason")
    reason = (reason or "").strip()
    if not reason:
        raise ChangeRefused("reason", REASON_REQUIRED)
    if not confirmed:
        raise ChangeRefused("confirm", CONFIRM)
    published = event.status == EventStatus.PUBLISHED
    event.status = EventStatus.CANCELLED
    change = _record(event, ChangeAction.CANCELLED, reason, user, now)
    if published:
        emails.event_cancelled(event, change)
    return change

