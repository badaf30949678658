"""The milestone emails: the responsible role told once that a milestone falls due, once that
it is late.

:func:`send_due` (run by beat through :mod:`.advance`) claims, with one conditional UPDATE each,
the milestones not done that fall due within ``CYCLE_NOTICE_DAYS_BEFORE`` days and nobody was
told of (``due_notified_at``), and those whose due time passed (``late_notified_at``); only
the claimed ones are emailed, so two runs at once never send twice (on PostgreSQL a second run
skips the rows the first holds). Every active staff member who holds the milestone's
responsible role (:data:`milestones.RESPONSIBLE`) gets notify's ``milestone_due`` or
``milestone_late`` email, naming the forum, the milestone, its due time and the forum's staff
page. Cancelled forums and targeted sessions get none. Nothing is sent directly: the emails wait
in registration's outbox for the commit. Flush only.
"""

import datetime as dt
import uuid

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale

from services.registration.cycle import milestones
from services.registration.cycle.models import Milestone
from services.registration.models import Event, EventKind, EventStatus, OutboxMessage, db
from shared.auth import staff_with_role
from shared.contracts import notify
from shared.outbox import emit

#: notice kind -> (the column that claims it, the email template)
KINDS = {"due": ("due_notified_at", "milestone_due"),
         "late": ("late_notified_at", "milestone_late")}
#: a milestone already late for longer than this when the clock first sees it is not emailed
#: (the compliance view shows it): the first tick after an upgrade does not mail the history
LATE_HORIZON = dt.timedelta(days=30)
#: the namespace of the notices' message ids
_NAMESPACE = uuid.UUID("5d2c7e0a-8b4f-4f61-9a3e-2c6b1d7f0e94")


def staff_event_url(event_id):
    """The forum's staff page."""
    return f"{current_app.config['PUBLIC_URL'].rstrip('/')}/registration/staff/events/{event_id}"


def _window(kind, now):
    """The due times that a notice of ``kind`` is sent for at ``now``."""
    if kind == "due":
        notice = dt.timedelta(days=current_app.config["CYCLE_NOTICE_DAYS_BEFORE"])
        return sa.and_(Milestone.due_at > now, Milestone.due_at <= now + notice)
    return sa.and_(Milestone.due_at < now, Milestone.due_at >= now - LATE_HORIZON)


def claim(kind, now):
    """Stamp the milestones a ``kind`` notice is now owed for; returns their ids."""
    column = getattr(Milestone, KINDS[kind][0])
    keys = [key for key, role in milestones.RESPONSIBLE.items() if role is not None]
    owed = (sa.select(Milestone.id).join(Event, Event.id == Milestone.event_id)
            .where(Event.kind == EventKind.FORUM, Event.status != EventStatus.CANCELLED,
                   Milestone.key.in_(keys), Milestone.done_at.is_(None), column.is_(None),
                   _window(kind, now))
            .order_by(Milestone.id).limit(1000))
    if db.is_postgresql():
        owed = owed.with_for_update(of=Milestone, skip_locked=True)
    return db.session.scalars(
        sa.update(Milestone).where(Milestone.id.in_(owed.scalar_subquery()), column.is_(None))
        .values({column: now}).returning(Milestone.id)
        .execution_options(synchronize_session=False)).all()


def send_due(now):
    """Claim and write every due and late notice now owed; returns how many emails."""
    sent = 0
    for kind in KINDS:
        ids = claim(kind, now)
        if ids:
            rows = db.session.scalars(sa.select(Milestone).where(Milestone.id.in_(ids))
                                      .order_by(Milestone.id)
                                      .execution_options(populate_existing=True))
            sent += sum(notice(milestone, kind) for milestone in rows)
    db.session.flush()
    return sent


def message_id(milestone, kind, email):
    """The notice's message id, derived: writing it twice writes the same message."""
    key = f"milestone-{kind}:{milestone.id}:{milestone.due_at.isoformat()}:{email}"
    return str(uuid.uuid5(_NAMESPACE, key))


def notice(milestone, kind):
    """Email the ``kind`` notice of ``milestone`` to its responsible role; returns how many."""
    staff = staff_with_role(milestones.RESPONSIBLE[milestone.key])
    for user in staff:
        # staff accounts have no language of their own (yet): the suite's default
        locale = getattr(user, "locale", None) or current_app.config["DEFAULT_LOCALE"]
        emit(db.session, OutboxMessage, notify.SEND_EMAIL, to=user.email, to_name=user.name,
             locale=locale, template=KINDS[kind][1], context=context(milestone, user, locale),
             message_id=message_id(milestone, kind, user.email))
    return len(staff)


def context(milestone, user, locale):
    """What the notice's template reads: the forum, the milestone in ``locale``, when, where."""
    event = milestone.event
    with force_locale(locale):
        label = str(milestones.LABELS[milestone.key])
    return {"name": user.name, "event_id": event.id, "event_title": event.title,
            "starts_at": event.starts_at.isoformat(), "milestone": milestone.key.value,
            "milestone_label": label, "due_at": milestone.due_at.isoformat(),
            "staff_url": staff_event_url(event.id)}
