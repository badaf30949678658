"""Staff pages of an event's content: agenda items, background material, custom questions.

A change to a published event's agenda is announced again, so feedback's topics follow. Inside
the policy's lead time, adding, editing or uploading agenda content needs an administrator's
recorded override first (:func:`policy.require_agenda_change`); removing does not.
"""

from flask import flash, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from services.registration import forms, policy
from services.registration.materials import MaterialRejected, add_material
from services.registration.models import AgendaItem, Event, Material, Question, QuestionKind, db
from services.registration.public import page
from services.registration.staff_common import (
    announce_change,
    event_page,
    get_or_404,
    renumber,
    secretary,
    to_event,
)


def _late(event):
    """The field errors of an agenda change refused for lack of lead time, or None."""
    try:
        policy.require_agenda_change(event)
    except policy.PolicyViolation as exc:
        return {"late_agenda": [str(exc.message)]}
    return None


def _place_item(event, item, position):
    """Put ``item`` at ``position`` (1-based, clamped) on the agenda and renumber."""
    others = [i for i in event.agenda_items if i is not item]
    index = len(others) if position is None else min(max(position - 1, 0), len(others))
    others.insert(index, item)
    renumber(others)


@secretary
def add_agenda_item(event_id):
    """Add an item to the end of the agenda (or at its given position)."""
    event = get_or_404(Event, event_id)
    late = _late(event)
    if late:
        return event_page(event, late, request.form, 422)
    try:
        data = forms.AgendaItemForm().load(forms.agenda_input(request.form))
    except ValidationError as err:
        return event_page(event, forms.form_errors(err.messages), request.form, 422)
    position = data.pop("position")
    item = AgendaItem(**data)
    event.agenda_items.append(item)
    _place_item(event, item, position)
    announce_change(event)
    db.session.commit()
    flash(_("The agenda item was added."), "success")
    return to_event(event)


def _item_values(item):
    """The agenda item form's values of an existing item."""
    return {"item_title": item.title, "item_description": item.description,
            "item_presenter_name": item.presenter_name,
            "item_presenter_email": item.presenter_email, "item_position": item.position}


@secretary
def edit_agenda_item(item_id):
    """Edit an agenda item: text, presenter and place on the agenda."""
    item = get_or_404(AgendaItem, item_id)
    values, errors, status = _item_values(item), {}, 200
    late = _late(item.event) if request.method == "POST" else None
    if late:
        values, errors, status = request.form, late, 422
    elif request.method == "POST":
        try:
            data = forms.AgendaItemForm().load(forms.agenda_input(request.form))
        except ValidationError as err:
            values, errors, status = request.form, forms.form_errors(err.messages), 422
        else:
            _place_item(item.event, item, data.pop("position") or item.position)
            for name, value in data.items():
                setattr(item, name, value)
            announce_change(item.event)
            db.session.commit()
            flash(_("The agenda item was saved."), "success")
            return to_event(item.event)
    return page("registration/staff/agenda_item.html", status, item=item, event=item.event,
                values=values, errors=errors, agenda_locked=policy.agenda_locked(item.event),
                lead_days=policy.lead_days(item.event))


@secretary
def delete_agenda_item(item_id):
    """Remove an agenda item and its material."""
    item = get_or_404(AgendaItem, item_id)
    event = item.event
    event.agenda_items.remove(item)
    renumber(event.agenda_items)
    announce_change(event)
    db.session.commit()
    flash(_("The agenda item was removed."), "success")
    return to_event(event)


@secretary
def upload_material(item_id):
    """Attach a background document (PDF, DOCX, PPTX, XLSX) to an agenda item."""
    item = get_or_404(AgendaItem, item_id)
    late = _late(item.event)
    if late:
        return event_page(item.event, late, status=422)
    try:
        material = add_material(item, request.files.get("file"))
    except MaterialRejected as exc:
        db.session.rollback()
        return event_page(item.event, {f"file-{item.id}": [str(exc.message)]}, status=422)
    announce_change(item.event)
    db.session.commit()
    flash(_("%(name)s was uploaded.", name=material.filename), "success")
    return to_event(item.event)


@secretary
def delete_material(material_id):
    """Remove a background document."""
    material = get_or_404(Material, material_id)
    event = material.agenda_item.event
    db.session.delete(material)
    announce_change(event)
    db.session.commit()
    flash(_("The document was removed."), "success")
    return to_event(event)


@secretary
def add_question(event_id):
    """Add a custom question to the event's registration form."""
    event = get_or_404(Event, event_id)
    try:
        data = forms.QuestionForm().load(forms.question_input(request.form))
    except ValidationError as err:
        return event_page(event, forms.form_errors(err.messages), request.form, 422)
    kind = QuestionKind(data["kind"])
    options = data["options"] if kind in forms.CHOICE_KINDS else []
    event.questions.append(Question(kind=kind, label=data["label"], required=data["required"],
                                    options=options))
    renumber(event.questions)
    db.session.commit()
    flash(_("The question was added."), "success")
    return to_event(event)


@secretary
def delete_question(question_id):
    """Remove a custom question (answers already given stay in the registrations)."""
    question = get_or_404(Question, question_id)
    event = question.event
    event.questions.remove(question)
    renumber(event.questions)
    db.session.commit()
    flash(_("The question was removed."), "success")
    return to_event(event)
