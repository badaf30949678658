"""Staff pages of an event's people: invitations, the registration list, its export, check-in."""

import sqlalchemy as sa
from flask import Response, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE, ValidationError

from services.registration import export, forms, operations, queries
from services.registration.models import (
    Event,
    EventKind,
    EventStatus,
    Registration,
    RegistrationStatus,
    db,
)
from services.registration.public import page
from services.registration.staff_common import event_page, get_or_404, secretary, to_event
from shared.config import LANGUAGES

#: the most addresses one invitation form takes
MAX_INVITATIONS = 500


def _invitation_errors(event, valid, invalid):
    """Why a list of invitations cannot be sent, or None."""
    if event.kind != EventKind.TARGETED:
        return _("Only targeted sessions take invitations.")
    if event.status != EventStatus.PUBLISHED:
        return _("Publish the session first, so the invitation links work.")
    if invalid:
        return _("These are not valid email addresses: %(list)s", list=", ".join(invalid[:20]))
    if not valid:
        return _("Enter at least one email address.")
    if len(valid) > MAX_INVITATIONS:
        return _("At most %(n)s addresses at a time.", n=MAX_INVITATIONS)
    return None


@secretary
def invite(event_id):
    """Invite a pasted list of addresses to a targeted session (all or nothing)."""
    event = get_or_404(Event, event_id)
    valid, invalid = forms.split_emails(request.form.get("emails", ""))
    error = _invitation_errors(event, valid, invalid)
    if error:
        return event_page(event, {"emails": [error]}, request.form, 422)
    locale = request.form.get("locale") or "fi"
    if locale not in LANGUAGES:
        return event_page(event, {"locale": [_("Choose the invitation's language.")]},
                          request.form, 422)
    new = sum(1 for email in valid if operations.invite(event, email, locale)[1])
    db.session.commit()
    flash(_("%(new)s invitations sent, %(old)s already invited.", new=new, old=len(valid) - new),
          "success")
    return to_event(event)


def _filtered(event, args):
    """(filters, errors, registrations) of the list's query string."""
    try:
        filters = forms.RegistrationFilter(unknown=EXCLUDE).load(args)
    except ValidationError as err:
        return {}, forms.form_errors(err.messages), []
    query = sa.select(Registration).where(Registration.event_id == event.id)
    if filters["mode"]:
        query = query.where(Registration.attendance_mode == filters["mode"])
    if filters["status"]:
        query = query.where(Registration.status == filters["status"])
    if filters["q"].strip():
        text = filters["q"].strip()
        query = query.where(sa.or_(*[column.icontains(text, autoescape=True) for column in (
            Registration.name, Registration.email, Registration.organisation)]))
    query = query.order_by(Registration.created_at, Registration.id)
    return filters, {}, db.session.scalars(query).all()


@secretary
def list_registrations(event_id):
    """The registrations of an event, filtered by mode, status and text."""
    event = get_or_404(Event, event_id)
    filters, errors, registrations = _filtered(event, request.args)
    return page("registration/staff/registrations.html", 422 if errors else 200, event=event,
                registrations=registrations, errors=errors, values=request.args,
                counts=queries.counts_by_event([event.id])[event.id],
                mode_options=forms.options("mode"),
                status_options=forms.options("registration_status"))


@secretary
def export_registrations(event_id):
    """The (filtered) registrations as CSV for Excel."""
    event = get_or_404(Event, event_id)
    _filters, errors, registrations = _filtered(event, request.args)
    if errors:
        abort(422)
    return Response(
        export.registrations_csv(event, registrations).encode("utf-8"),
        mimetype="text/csv", headers={
            "Content-Disposition": f'attachment; filename="registrations-{event.id}.csv"'},
    )


@secretary
def checkin_page(event_id):
    """The door list: confirmed registrations, searchable by name, with arrived/expected."""
    event = get_or_404(Event, event_id)
    q = request.args.get("q", "").strip()[:200]
    confirmed = sa.select(Registration).where(Registration.event_id == event.id,
                                              Registration.status == RegistrationStatus.CONFIRMED)
    everyone = db.session.scalars(confirmed).all()
    if q:
        confirmed = confirmed.where(Registration.name.icontains(q, autoescape=True))
    shown = db.session.scalars(confirmed.order_by(Registration.name, Registration.id)).all()
    return page("registration/staff/checkin.html", event=event, registrations=shown, q=q,
                expected=len(everyone), arrived=sum(1 for r in everyone if r.checked_in_at))


@secretary
def check_in(registration_id):
    """Mark a confirmed registrant arrived (``attended=1``) or undo it (``attended=0``)."""
    registration = get_or_404(Registration, registration_id)
    attended = request.form.get("attended", "1")
    if attended not in ("0", "1") or registration.status != RegistrationStatus.CONFIRMED:
        abort(409 if attended in ("0", "1") else 400)
    operations.check_in(registration, attended == "1")
    db.session.commit()
    message = (_("%(name)s has arrived.", name=registration.name) if attended == "1"
               else _("%(name)s is no longer marked as arrived.", name=registration.name))
    flash(message, "success")
    q = request.form.get("q", "").strip()[:200] or None
    return redirect(url_for(".checkin_page", event_id=registration.event_id, q=q)
                    + f"#registration-{registration.id}")
