"""Staff pages that change a published event for everyone: the editor, cancelling, and the
administrator's override for a late agenda.

The rules are in :mod:`changes` and :mod:`policy`; these views load the form through its schema,
call them, commit, and redirect. Bad input and refusals re-render the page with 422 (409 for a
stale form) and each message next to its field, in the user's language; nothing is saved.
"""

from flask import flash, request
from flask_babel import gettext as _
from flask_babel import ngettext
from marshmallow import ValidationError

from services.registration import changes, forms, policy, queries
from services.registration.models import Event, db
from services.registration.public import page
from services.registration.staff_common import (
    announce_change,
    event_form,
    event_page,
    event_values,
    get_or_404,
    is_admin,
    load_event_form,
    secretary,
    to_event,
)
from shared.auth import current_staff


def _loaded(schema, data):
    """(loaded data, None) or (None, field errors)."""
    try:
        return schema.load(data), None
    except ValidationError as err:
        return None, forms.form_errors(err.messages)


def _refusal(exc):
    """The field errors of a ChangeRefused; an override a secretary cannot give is told at the
    start time, the only field of it they see."""
    field = exc.field
    if field == "override_reason" and not is_admin():
        field = "starts_at"
    return {field: [str(exc.message)]}


@secretary
def edit_event(event_id):
    """Edit an event. A published event's change of time, place, mode or kind needs a reason
    (inside the lead time an admin's override too) and is emailed to everyone with a new .ics."""
    event = get_or_404(Event, event_id)
    if request.method == "GET":
        return event_form(event, event_values(event))
    try:
        data = load_event_form()
    except ValidationError as err:
        return event_form(event, request.form, forms.form_errors(err.messages), 422)
    extra, errors = _loaded(forms.ChangeForm(), forms.change_input(request.form))
    if errors:
        return event_form(event, request.form, errors, 422)
    try:
        change = changes.edit(event, data, current_staff(), extra["change_reason"],
                              extra["override_reason"], extra["sequence"])
    except changes.ChangeRefused as exc:
        db.session.rollback()
        return event_form(event, request.form, _refusal(exc), exc.status)
    announce_change(event)
    db.session.commit()
    flash(_("The event was saved.") if change is None else _saved_and_told(event), "success")
    return to_event(event)


def _saved_and_told(event):
    """The flash after a change everyone was told of."""
    registrations, invitations = queries.told(event)
    return ngettext("The event was saved, and %(num)d registrant or invitee was emailed the "
                    "change.", "The event was saved, and %(num)d registrants and invitees were "
                    "emailed the change.", len(registrations) + len(invitations))


def _cancel_page(event, values=None, errors=None, status=200):
    """The confirmation page of a cancellation."""
    registrations, invitations = queries.told(event)
    return page("registration/staff/cancel.html", status, event=event,
                values=values if values is not None else {"sequence": event.sequence},
                errors=errors or {}, told=len(registrations) + len(invitations))


@secretary
def cancel_event(event_id):
    """GET asks to confirm and for the reason; POST cancels, and a published event's
    registrants and invitees are emailed the reason and a cancelling .ics."""
    event = get_or_404(Event, event_id)
    if request.method == "GET":
        return _cancel_page(event)
    data, errors = _loaded(forms.CancelForm(), forms.cancel_input(request.form))
    if errors:
        return _cancel_page(event, request.form, errors, 422)
    try:
        changes.cancel(event, current_staff(), data["reason"], data["confirm"], data["sequence"])
    except changes.ChangeRefused as exc:
        db.session.rollback()
        return _cancel_page(event, request.form, _refusal(exc), exc.status)
    db.session.commit()
    flash(_("The event was cancelled."), "success")
    return to_event(event)


@secretary
def allow_late_agenda(event_id):
    """An administrator records why the agenda changes inside the lead time."""
    event = get_or_404(Event, event_id)
    try:
        policy.require_admin(current_staff())
    except policy.PolicyViolation as exc:  # told where a secretary reads about the override
        return event_page(event, {"late_agenda": [str(exc.message)]}, request.form, 422)
    data, errors = _loaded(forms.OverrideForm(), forms.present(request.form, ["override_reason"]))
    if errors:
        return event_page(event, errors, request.form, 422)
    try:
        policy.allow_late_agenda(event, current_staff(), data["override_reason"])
    except policy.PolicyViolation as exc:
        db.session.rollback()
        return event_page(event, {"override_reason": [str(exc.message)]}, request.form, 422)
    db.session.commit()
    flash(_("The override is recorded: the agenda can be changed."), "success")
    return to_event(event)
