"""What the registration staff pages share: the secretary guard, lookups and the event page.

Every staff view needs the secretary role (admins pass). Views load input through the schemas in
:mod:`forms`, call operations, commit and redirect; bad input re-renders the page with 422 and
each error next to its field, and changes nothing.
"""

import sqlalchemy as sa
from flask import abort, redirect, request, url_for

from services.registration import captions, emails, forms, operations, policy, queries
from services.registration.cycle import milestones, numbers
from services.registration.models import EventKind, EventStatus, Invitation, Theme, db
from services.registration.public import page
from shared.auth import current_staff, login_required
from shared.db import utcnow
from shared.web.i18n import LANGUAGE_LABELS

secretary = login_required("secretary")


def get_or_404(model, ident):
    """A row by id, or 404."""
    return db.session.get(model, ident) or abort(404)


def to_event(event):
    """Redirect to an event's staff page."""
    return redirect(url_for(".show_event", event_id=event.id))


def is_admin():
    """Whether the staff member may override the policy."""
    return current_staff().has_role("admin")


def event_page(event, errors=None, values=None, status=200):
    """The staff page of one event, with the errors of the sub-form that came back."""
    invitations = db.session.scalars(
        sa.select(Invitation).where(Invitation.event_id == event.id).order_by(Invitation.email)
    ).all()
    return page(
        "registration/staff/event.html", status, event=event, errors=errors or {},
        values=values or {}, counts=queries.counts_by_event([event.id])[event.id],
        invitations=invitations, recording=operations.recording_state(event),
        question_kind_options=forms.options("question_kind"), held=operations.is_held(event),
        agenda_locked=policy.agenda_locked(event), lead_days=policy.lead_days(event),
        is_admin=is_admin(), caption_deadline=captions.deadline(event),
        caption_state=captions.deadline_state(event, utcnow()),
        caption_days=numbers.of_event(event).caption_deadline_days,
        cycle=milestones.timeline(event), language_labels=LANGUAGE_LABELS,
    )


def event_values(event):
    """The editor's field values of an existing event (and the sequence it is made from)."""
    values = {name: getattr(event, name) for name in forms.EventForm().fields}
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        values[name] = forms.to_local_input(values[name])
    values.update(kind=event.kind.value, theme=event.theme.value, sequence=event.sequence)
    return values


def event_form(event, values, errors=None, status=200):
    """The event editor (new event when ``event`` is None); a published event's asks why."""
    return page("registration/staff/event_form.html", status, event=event, values=values,
                errors=errors or {}, kind_options=forms.options("kind"),
                theme_options=forms.options("theme"), is_admin=is_admin(),
                lead_days=policy.lead_days(event),
                published=event is not None and event.status == EventStatus.PUBLISHED)


def load_event_form():
    """The editor's posted data loaded, or raise ValidationError."""
    data = forms.EventForm().load(forms.event_input(request.form))
    data["kind"], data["theme"] = EventKind(data["kind"]), Theme(data["theme"])
    return data


def announce_change(event):
    """A published event's agenda changed: announce it again, so feedback's topics follow."""
    if event.status == EventStatus.PUBLISHED:
        db.session.flush()
        db.session.expire_all()  # relationships re-read after deletes
        emails.event_published(event)


def renumber(rows):
    """Positions 1..n in list order."""
    for number, row in enumerate(rows, start=1):
        row.position = number
