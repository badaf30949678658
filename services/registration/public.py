"""Public pages: the forum calendar, an event, its .ics, the registration form, the manage link.

Views are thin: they load input through a schema, call operations, commit, and render. Drafts are
never shown; targeted sessions are never listed and open only with a valid ``?invitation=`` token.
The remote join link and presenters' email addresses never appear on these pages. The registration
form answers the same whether or not the address had registered for the event (no one learns who
registers): the registrant's status and manage link go only by email.
"""

import datetime as dt
import io

from flask import (
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from marshmallow import ValidationError

from services.registration import captions, forms, ics, materials, operations, queries
from services.registration.cycle import numbers
from services.registration.models import (
    AttendanceMode,
    Event,
    EventKind,
    EventStatus,
    Material,
    RegistrationStatus,
    db,
)
from services.registration.operations import RegistrationClosed, RegistrationError, SeatsBusy
from services.registration.schemas import registration_schema
from shared.auth import current_staff
from shared.db import utcnow
from shared.web import fragments

#: the hidden field only bots fill in
HONEYPOT = "website"
#: what the registration form and API answer to every registration they take, new or repeated
RECEIVED_TITLE = _l("Check your email")
RECEIVED_MESSAGE = _l(
    "Thank you. We have sent an email to the address you gave. It tells where your registration "
    "stands (a confirmed seat, a place on the waiting list or remote attendance) and has the link "
    "to view, change or cancel it. If it does not arrive in a few minutes, check your spam folder.")


def page(template, status=200, **context):
    """Render a registration page with the labels and helpers every page uses."""
    context.setdefault("labels", forms.LABELS)
    context.setdefault("type_label", materials.type_label)
    context.setdefault("human_size", materials.human_size)
    context.setdefault("pairs", forms.pairs)
    return render_template(template, **context), status


def _invitation(event, token):
    """The invitation to ``event`` carrying ``token``, or None."""
    return queries.invitation_by_token(event.id, token)


def public_event(event_id, token=None, options=()):
    """(event, invitation) of a page the public may see; 404 for drafts and uninvited visitors.

    ``options`` are loader options of the event (``queries.WITH_AGENDA`` for its page).
    """
    event = db.session.get(Event, event_id, options=options)
    if event is None or event.status == EventStatus.DRAFT:
        abort(404)
    invitation = None
    if event.kind == EventKind.TARGETED:
        invitation = _invitation(event, token)
        if invitation is None:
            abort(404)
    return event, invitation


def _by_year(events):
    """[(year, [events])] in the order the events come."""
    groups = {}
    for event in events:
        groups.setdefault(event.year, []).append(event)
    return list(groups.items())


def list_events():
    """The forum calendar: upcoming forums by year, then past ones."""
    now = utcnow()
    events = queries.public_events()
    upcoming = [e for e in events if e.status == EventStatus.PUBLISHED and e.ends_at >= now]
    past = [e for e in reversed(events) if e not in upcoming]
    return page("registration/public/calendar.html", upcoming=_by_year(upcoming),
                past=_by_year(past), counts=queries.counts_by_event([e.id for e in upcoming]))


def agenda_html(event, token):
    """The event's agenda section, rendered once per ``agenda_version``, language and invitation.

    Triggers bump ``agenda_version`` with every write of an agenda item or document, in the same
    transaction, so the cached HTML never outlives a change.
    """
    lead_days = numbers.of_event(event).publish_lead_days

    def render():
        items = queries.agenda(event.id)
        return Markup(render_template(  # noqa: S704 - rendered by Jinja, which escapes
            "registration/public/_agenda.html", items=items, token=token, lead_days=lead_days,
            type_label=materials.type_label, human_size=materials.human_size))

    return fragments.cached("event-agenda", (event.id, event.agenda_version, token, lead_days),
                            render)


def show_event(event_id):
    """An event's page: facts, agenda with material, seats, registration state, recording."""
    token = request.args.get("invitation", "")
    event, invitation = public_event(event_id, token)
    token = token if invitation else ""
    now = utcnow()
    days = numbers.of_event(event).recording_visible_days
    return page(
        "registration/public/event.html", event=event, token=token,
        agenda=agenda_html(event, token),
        seats_left=queries.seats_left(event), is_open=operations.registration_open(event, now),
        opens_later=bool(event.registration_opens_at and event.registration_opens_at > now),
        recording=operations.recording_state(event, now), recording_days=days,
        has_captions=event.captions is not None,
        recording_until=event.recording_published_at
        and event.recording_published_at + dt.timedelta(days=days),
        cancellation=queries.cancellation(event.id)
        if event.status == EventStatus.CANCELLED else None,
    )


def event_ics(event_id):
    """The event as an .ics file for the visitor's calendar."""
    event, _invitation = public_event(event_id, request.args.get("invitation", ""))
    return Response(ics.event_calendar(event), mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="foorumi-{event.id}.ics"'})


def _form(event, invitation, values, errors, status=200):
    """The registration form, with the user's input and errors when it came back."""
    return page("registration/public/register.html", status, event=event, values=values,
                errors=errors, invitation=invitation, honeypot=HONEYPOT,
                mode_options=forms.options("mode"), profile_options=forms.profile_options())


def _notice(event, title, message, status, invitation=None):
    """A short page about the event that says one thing."""
    return page("registration/public/notice.html", status, event=event, title=title,
                message=message, invitation=invitation)


def _closed(event):
    """Registration is not open (409)."""
    return _notice(event, _("Registration is closed"),
                   _("This event does not take registrations at the moment."), 409)


def _busy(event):
    """The seat lock was busy (503)."""
    return _notice(event, _("Please try again"),
                   _("Many people are registering right now. Nothing was saved; please send the "
                     "form again in a moment."), 503)


def register(event_id):
    """GET the registration form; POST it: validate, register, commit, confirm."""
    event, invitation = public_event(event_id, request.values.get("invitation", ""),
                                     queries.WITH_QUESTIONS)
    if not operations.registration_open(event):
        return _closed(event)
    if request.method == "GET":
        return _form(event, invitation, {}, {})
    if request.form.get(HONEYPOT):
        return _received(event, invitation)
    try:
        data = registration_schema(event).load(forms.registration_input(request.form, event))
    except ValidationError as err:
        return _form(event, invitation, request.form, forms.form_errors(err.messages), 422)
    return _save(event, invitation, data)


def _save(event, invitation, data):
    """Register loaded data; a new registration and a repeat get the same answer, and an email."""
    try:
        operations.register(event, data, str(get_locale()), invitation=invitation)
    except RegistrationClosed:
        db.session.rollback()
        return _closed(event)
    except SeatsBusy:
        db.session.rollback()
        return _busy(event)
    db.session.commit()
    return _received(event, invitation)


def _received(event, invitation):
    """The answer to every registration the form takes (202): the rest is in the email."""
    return _notice(event, RECEIVED_TITLE, RECEIVED_MESSAGE, 202, invitation)


def _status_message(registration):
    """What the registrant is told about their place."""
    if registration.status == RegistrationStatus.WAITLISTED:
        return _("All on-site seats are taken. You are number %(position)s on the waiting list; "
                 "we will email you if a seat becomes free.",
                 position=queries.waitlist_position(registration))
    if registration.attendance_mode == AttendanceMode.REMOTE:
        return _("You are registered to attend remotely. A confirmation has been emailed to you.")
    return _("You are registered and your on-site seat is confirmed. A confirmation has been "
             "emailed to you.")


def _registration(token):
    """The registration of a manage link, or 404."""
    return queries.by_manage_token(token) or abort(404)


def _can_change(registration):
    """Whether the registration may still change mode (active, event published, not started)."""
    event = registration.event
    return (registration.status != RegistrationStatus.CANCELLED
            and event.status == EventStatus.PUBLISHED and utcnow() < event.starts_at)


def _manage(registration, errors=None, status=200):
    """The manage page of one registration."""
    return page("registration/public/manage.html", status, registration=registration,
                event=registration.event, errors=errors or {},
                position=queries.waitlist_position(registration),
                can_change=_can_change(registration), mode_options=forms.options("mode"),
                values={"attendance_mode": registration.attendance_mode.value})


def manage(token):
    """The registrant's own page: event, mode, status, answers; change mode or cancel."""
    return _manage(_registration(token))


def change_mode(token):
    """Switch between on-site and remote; on-site follows the seat rules."""
    registration = _registration(token)
    try:
        mode = forms.ModeForm().load(forms.present(request.form, ["attendance_mode"]))
    except ValidationError as err:
        return _manage(registration, forms.form_errors(err.messages), 422)
    if not _can_change(registration):
        return _manage(registration, {"attendance_mode": [
            _("This registration can no longer be changed.")]}, 409)
    try:
        operations.change_mode(registration, mode["attendance_mode"])
    except SeatsBusy:
        db.session.rollback()
        return _busy(registration.event)
    except RegistrationError:
        db.session.rollback()
        abort(409)
    db.session.commit()
    flash(_status_message(registration), "success")
    return redirect(url_for(".manage", token=registration.manage_token))


def cancel(token):
    """GET asks to confirm (mail scanners change nothing); POST cancels; a repeat is harmless."""
    registration = _registration(token)
    if request.method == "GET":
        return page("registration/public/cancel.html", registration=registration,
                    event=registration.event)
    try:
        operations.cancel(registration)
    except SeatsBusy:
        db.session.rollback()
        return _busy(registration.event)
    db.session.commit()
    return _notice(registration.event, _("Registration cancelled"),
                   _("Your registration has been cancelled. Thank you for letting us know."), 200)


def _may_download(event):
    """Staff always; the public for published or held events they may see."""
    user = current_staff()
    if user is not None and user.has_role("secretary"):
        return True
    if event.status not in (EventStatus.PUBLISHED, EventStatus.HELD):
        return False
    return event.kind == EventKind.FORUM or _invitation(
        event, request.args.get("invitation", "")) is not None


def event_captions(event_id):
    """The recording's WebVTT captions as ``text/vtt``: 404 without them, 410 once expired."""
    event, _invitation_row = public_event(event_id, request.args.get("invitation", ""))
    if event.captions is None:
        abort(404)
    if operations.recording_state(event) != "available":
        abort(410)
    response = Response(event.captions.data, mimetype="text/vtt")
    response.headers["Content-Type"] = captions.CONTENT_TYPE
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def download_material(material_id):
    """A background document, as an attachment with its own content type."""
    material = db.session.get(Material, material_id)
    if material is None or not _may_download(material.agenda_item.event):
        abort(404)
    return send_file(io.BytesIO(material.data), mimetype=material.content_type,
                     as_attachment=True, download_name=material.filename)
