"""What the registration staff pages share: the secretary guard, lookups and the event page.

Every staff view needs the secretary role (admins pass). Views load input through the schemas in
:mod:`forms`, call operations, commit and redirect; bad input re-renders the page with 422 and
each error next to its field, and changes nothing.
"""

import sqlalchemy as sa
from flask import abort, redirect, url_for

from services.registration import emails, forms, operations, queries
from services.registration.models import EventStatus, Invitation, db
from services.registration.public import page
from shared.auth import login_required

secretary = login_required("secretary")


def get_or_404(model, ident):
    """A row by id, or 404."""
    return db.session.get(model, ident) or abort(404)


def to_event(event):
    """Redirect to an event's staff page."""
    return redirect(url_for(".show_event", event_id=event.id))


def event_page(event, errors=None, values=None, status=200):
    """The staff page of one event, with the errors of the sub-form that came back."""
    invitations = db.session.scalars(
        sa.select(Invitation).where(Invitation.event_id == event.id).order_by(Invitation.email)
    ).all()
    return page(
        "registration/staff/event.html", status, event=event, errors=errors or {},
        values=values or {}, counts=queries.counts_by_event([event.id])[event.id],
        invitations=invitations, recording=operations.recording_state(event),
        question_kind_options=forms.options("question_kind"),
    )


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
