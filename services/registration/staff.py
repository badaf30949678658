"""Staff pages: the annual clock dashboard, the event editor, publishing, registrations, check-in.

Every view needs the secretary role (admins pass). Views load input through the schemas in
:mod:`forms`, call operations, commit and redirect; bad input re-renders the page with 422 and
each error next to its field, and changes nothing.
"""

import sqlalchemy as sa
from flask import Response, abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import EXCLUDE, ValidationError

from services.registration import emails, export, forms, operations, queries
from services.registration.materials import MaterialRejected, add_material
from services.registration.models import (
    AgendaItem,
    Event,
    EventKind,
    EventStatus,
    Invitation,
    Material,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
    Theme,
    db,
)
from services.registration.operations import PolicyViolation
from services.registration.public import page
from shared.auth import current_staff, login_required
from shared.db import utcnow

secretary = login_required("secretary")
MAX_INVITATIONS = 500


def _get(model, ident):
    """A row by id, or 404."""
    return db.session.get(model, ident) or abort(404)


def _to_event(event):
    """Redirect to an event's staff page."""
    return redirect(url_for(".show_event", event_id=event.id))


def _policy_verdict(count):
    """'below', 'within' or 'above' the policy's number of forums a year."""
    if count < current_app.config["POLICY_FORUMS_PER_YEAR_MIN"]:
        return "below"
    return "above" if count > current_app.config["POLICY_FORUMS_PER_YEAR_MAX"] else "within"


@secretary
def list_events():
    """The dashboard: forums per year against the policy, and every event with its counts."""
    events = db.session.scalars(sa.select(Event).order_by(Event.starts_at.desc())).all()
    per_year = queries.forums_per_year()
    years = sorted({utcnow().year, *per_year, *(e.year for e in events)})
    clock = [(y, per_year.get(y, 0), _policy_verdict(per_year.get(y, 0))) for y in years]
    return page("registration/staff/dashboard.html", events=events, clock=clock,
                counts=queries.counts_by_event([e.id for e in events]),
                policy_min=current_app.config["POLICY_FORUMS_PER_YEAR_MIN"],
                policy_max=current_app.config["POLICY_FORUMS_PER_YEAR_MAX"])


def _event_values(event):
    """The editor's field values of an existing event."""
    values = {name: getattr(event, name) for name in forms.EventForm().fields}
    for name in ("starts_at", "ends_at", "registration_opens_at", "registration_closes_at"):
        values[name] = forms.to_local_input(values[name])
    values.update(kind=event.kind.value, theme=event.theme.value)
    return values


def _event_form(event, values, errors=None, status=200):
    """The event editor (new event when ``event`` is None)."""
    return page("registration/staff/event_form.html", status, event=event, values=values,
                errors=errors or {}, kind_options=forms.options("kind"),
                theme_options=forms.options("theme"))


def _load_event_form():
    """The editor's posted data loaded, or raise ValidationError."""
    data = forms.EventForm().load(forms.event_input(request.form))
    data["kind"], data["theme"] = EventKind(data["kind"]), Theme(data["theme"])
    return data


@secretary
def create_event():
    """A new event (a draft until published)."""
    if request.method == "GET":
        return _event_form(None, {"kind": "forum", "theme": "budget", "onsite_capacity": 50})
    try:
        data = _load_event_form()
    except ValidationError as err:
        return _event_form(None, request.form, forms.form_errors(err.messages), 422)
    event = Event(**data)
    db.session.add(event)
    db.session.commit()
    flash(_("The event was created as a draft."), "success")
    return _to_event(event)


@secretary
def edit_event(event_id):
    """Edit an event; a capacity change confirms people from the waiting list as seats allow."""
    event = _get(Event, event_id)
    if request.method == "GET":
        return _event_form(event, _event_values(event))
    try:
        data = _load_event_form()
    except ValidationError as err:
        return _event_form(event, request.form, forms.form_errors(err.messages), 422)
    capacity = data.pop("onsite_capacity")
    for name, value in data.items():
        setattr(event, name, value)
    if capacity != event.onsite_capacity:
        operations.set_capacity(event, capacity)
    _announce_change(event)
    db.session.commit()
    flash(_("The event was saved."), "success")
    return _to_event(event)


def _event_page(event, errors=None, values=None, status=200):
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


@secretary
def show_event(event_id):
    """An event's staff page: agenda, questions, invitations, recording, publishing."""
    return _event_page(_get(Event, event_id))


def _announce_change(event):
    """A published event's agenda changed: announce it again, so feedback's topics follow."""
    if event.status == EventStatus.PUBLISHED:
        db.session.flush()
        db.session.expire_all()  # relationships re-read after deletes
        emails.event_published(event)


def _renumber(rows):
    """Positions 1..n in list order."""
    for number, row in enumerate(rows, start=1):
        row.position = number


def _place_item(event, item, position):
    """Put ``item`` at ``position`` (1-based, clamped) on the agenda and renumber."""
    others = [i for i in event.agenda_items if i is not item]
    index = len(others) if position is None else min(max(position - 1, 0), len(others))
    others.insert(index, item)
    _renumber(others)


@secretary
def add_agenda_item(event_id):
    """Add an item to the end of the agenda (or at its given position)."""
    event = _get(Event, event_id)
    try:
        data = forms.AgendaItemForm().load(forms.agenda_input(request.form))
    except ValidationError as err:
        return _event_page(event, forms.form_errors(err.messages), request.form, 422)
    position = data.pop("position")
    item = AgendaItem(**data)
    event.agenda_items.append(item)
    _place_item(event, item, position)
    _announce_change(event)
    db.session.commit()
    flash(_("The agenda item was added."), "success")
    return _to_event(event)


def _item_values(item):
    """The agenda item form's values of an existing item."""
    return {"item_title": item.title, "item_description": item.description,
            "item_presenter_name": item.presenter_name,
            "item_presenter_email": item.presenter_email, "item_position": item.position}


@secretary
def edit_agenda_item(item_id):
    """Edit an agenda item: text, presenter and place on the agenda."""
    item = _get(AgendaItem, item_id)
    values, errors, status = _item_values(item), {}, 200
    if request.method == "POST":
        try:
            data = forms.AgendaItemForm().load(forms.agenda_input(request.form))
        except ValidationError as err:
            values, errors, status = request.form, forms.form_errors(err.messages), 422
        else:
            _place_item(item.event, item, data.pop("position") or item.position)
            for name, value in data.items():
                setattr(item, name, value)
            _announce_change(item.event)
            db.session.commit()
            flash(_("The agenda item was saved."), "success")
            return _to_event(item.event)
    return page("registration/staff/agenda_item.html", status, item=item, event=item.event,
                values=values, errors=errors)


@secretary
def delete_agenda_item(item_id):
    """Remove an agenda item and its material."""
    item = _get(AgendaItem, item_id)
    event = item.event
    event.agenda_items.remove(item)
    _renumber(event.agenda_items)
    _announce_change(event)
    db.session.commit()
    flash(_("The agenda item was removed."), "success")
    return _to_event(event)


@secretary
def upload_material(item_id):
    """Attach a background document (PDF, DOCX, PPTX, XLSX) to an agenda item."""
    item = _get(AgendaItem, item_id)
    try:
        material = add_material(item, request.files.get("file"))
    except MaterialRejected as exc:
        db.session.rollback()
        return _event_page(item.event, {f"file-{item.id}": [str(exc.message)]}, status=422)
    _announce_change(item.event)
    db.session.commit()
    flash(_("%(name)s was uploaded.", name=material.filename), "success")
    return _to_event(item.event)


@secretary
def delete_material(material_id):
    """Remove a background document."""
    material = _get(Material, material_id)
    event = material.agenda_item.event
    db.session.delete(material)
    _announce_change(event)
    db.session.commit()
    flash(_("The document was removed."), "success")
    return _to_event(event)


@secretary
def add_question(event_id):
    """Add a custom question to the event's registration form."""
    event = _get(Event, event_id)
    try:
        data = forms.QuestionForm().load(forms.question_input(request.form))
    except ValidationError as err:
        return _event_page(event, forms.form_errors(err.messages), request.form, 422)
    kind = QuestionKind(data["kind"])
    options = data["options"] if kind in forms.CHOICE_KINDS else []
    event.questions.append(Question(kind=kind, label=data["label"], required=data["required"],
                                    options=options))
    _renumber(event.questions)
    db.session.commit()
    flash(_("The question was added."), "success")
    return _to_event(event)


@secretary
def delete_question(question_id):
    """Remove a custom question (answers already given stay in the registrations)."""
    question = _get(Question, question_id)
    event = question.event
    event.questions.remove(question)
    _renumber(event.questions)
    db.session.commit()
    flash(_("The question was removed."), "success")
    return _to_event(event)


def _lead(event):
    """(whole days until the start, the policy's lead days, whether that is too little)."""
    lead_days = current_app.config["POLICY_PUBLISH_LEAD_DAYS"]
    remaining = event.starts_at - utcnow()
    return remaining.days, lead_days, remaining.total_seconds() < lead_days * 86400


def _publish_page(event, errors=None, status=200):
    """The publish page with the policy check."""
    days, lead_days, too_late = _lead(event)
    return page("registration/staff/publish.html", status, event=event, days=days,
                lead_days=lead_days, too_late=too_late, errors=errors or {},
                values=request.form, is_admin=current_staff().has_role("admin"))


@secretary
def publish_event(event_id):
    """GET shows the policy check; POST publishes (an admin may override with a reason)."""
    event = _get(Event, event_id)
    if request.method == "GET":
        return _publish_page(event)
    if event.status != EventStatus.DRAFT:
        return _publish_page(event, {"publish": [_("Only a draft can be published.")]}, 409)
    reason = (request.form.get("override_reason") or "").strip()
    if len(reason) > 2000:
        return _publish_page(event, {"override_reason": [_("Use at most 2000 characters.")]}, 422)
    try:
        operations.publish(event, current_staff(), override_reason=reason or None)
    except PolicyViolation:
        db.session.rollback()
        return _publish_page(event, _publish_refusal(), 422)
    db.session.commit()
    flash(_("The event was published."), "success")
    return _to_event(event)


def _publish_refusal():
    """The errors of a publication refused for lack of lead time."""
    days = current_app.config["POLICY_PUBLISH_LEAD_DAYS"]
    if current_staff().has_role("admin"):
        return {"override_reason": [_("Less than %(days)s days before the start: give the reason "
                                      "for publishing anyway.", days=days)]}
    return {"publish": [_("The forum's policy requires publishing at least %(days)s days before "
                          "the start. Ask an administrator to publish it.", days=days)]}


@secretary
def cancel_event(event_id):
    """Cancel an event; its page says so and registration closes."""
    event = _get(Event, event_id)
    if event.status in (EventStatus.DRAFT, EventStatus.PUBLISHED):
        operations.cancel_event(event)
        db.session.commit()
        flash(_("The event was cancelled."), "success")
    return _to_event(event)


@secretary
def set_recording(event_id):
    """Publish the recording link; it shows on the event page for the policy's days."""
    event = _get(Event, event_id)
    try:
        data = forms.RecordingForm().load(forms.present(request.form, ["recording_url"]))
    except ValidationError as err:
        return _event_page(event, forms.form_errors(err.messages), request.form, 422)
    operations.publish_recording(event, data["recording_url"])
    db.session.commit()
    flash(_("The recording link was published."), "success")
    return _to_event(event)


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
    event = _get(Event, event_id)
    valid, invalid = forms.split_emails(request.form.get("emails", ""))
    error = _invitation_errors(event, valid, invalid)
    if error:
        return _event_page(event, {"emails": [error]}, request.form, 422)
    new = sum(1 for email in valid if operations.invite(event, email)[1])
    db.session.commit()
    flash(_("%(new)s invitations sent, %(old)s already invited.", new=new, old=len(valid) - new),
          "success")
    return _to_event(event)


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
    event = _get(Event, event_id)
    filters, errors, registrations = _filtered(event, request.args)
    return page("registration/staff/registrations.html", 422 if errors else 200, event=event,
                registrations=registrations, errors=errors, values=request.args,
                counts=queries.counts_by_event([event.id])[event.id],
                mode_options=forms.options("mode"),
                status_options=forms.options("registration_status"))


@secretary
def export_registrations(event_id):
    """The (filtered) registrations as CSV for Excel."""
    event = _get(Event, event_id)
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
    event = _get(Event, event_id)
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
    registration = _get(Registration, registration_id)
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
