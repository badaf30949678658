"""The staff pages of an event's content: agenda items and custom questions."""


import pytest

from services.registration.models import (
    AgendaItem,
    Event,
    Question,
)
from tests.registration.builders import (
    add_event,
    add_item,
    count,
    english,
    fast_passwords,  # noqa: F401 - a fixture
    load,
)
from tests.registration.staff.support import text


def test_agenda_items_are_added_edited_reordered_and_removed(app, client):
    event_id = add_event(app)
    for title in ("First", "Second", "Third"):
        response = client.post(f"/staff/events/{event_id}/agenda", data={
            "item_title": title, "item_presenter_name": "P", "item_presenter_email": "p@x.fi"})
        assert response.status_code == 302
    with app.app_context():
        from services.registration.models import db

        ids = {i.title: i.id for i in db.session.query(AgendaItem)}
    response = client.post(f"/staff/agenda/{ids['Third']}/edit",
                           data={"item_title": "Third!", "item_position": "1"})
    assert response.status_code == 302
    assert client.get(f"/staff/agenda/{ids['Third']}/edit").status_code == 200
    client.post(f"/staff/agenda/{ids['First']}/delete")
    event = _event_with_agenda(app, event_id)
    assert [(i.title, i.position) for i in event.agenda_items] == [("Third!", 1), ("Second", 2)]


def _event_with_agenda(app, event_id):
    """The event with its agenda and questions loaded."""
    from services.registration.models import db

    with app.app_context():
        event = db.session.get(Event, event_id)
        _ = [event.agenda_items, event.questions]
        db.session.expunge_all()
        return event


@pytest.mark.parametrize(("data", "field"), [
    ({"item_title": ""}, "item_title"),
    ({"item_title": "T", "item_presenter_email": "nope"}, "item_presenter_email"),
    ({"item_title": "T", "item_position": "zero"}, "item_position"),
])
def test_bad_agenda_input_is_refused(app, client, data, field):
    event_id = add_event(app)
    response = client.post(f"/staff/events/{event_id}/agenda", data=data)
    assert response.status_code == 422 and f'id="{field}-error"' in text(response)
    assert count(app, AgendaItem) == 0
    item_id = add_item(app, event_id, title="Kept")
    response = client.post(f"/staff/agenda/{item_id}/edit", data=data)
    assert response.status_code == 422 and load(app, AgendaItem, item_id).title == "Kept"


def test_questions_are_added_with_options_and_removed(app, client):
    event_id = add_event(app)
    response = client.post(f"/staff/events/{event_id}/questions", data={
        "question_kind": "multiple_choice", "question_label": "Services?",
        "question_options": "Home care\n\nDay care\nHome care\n", "question_required": "y"})
    assert response.status_code == 302
    client.post(f"/staff/events/{event_id}/questions", data={
        "question_kind": "short_text", "question_label": "Role?", "question_options": "ignored"})
    event = _event_with_agenda(app, event_id)
    assert [(q.label, q.options, q.required, q.position) for q in event.questions] == [
        ("Services?", ["Home care", "Day care"], True, 1), ("Role?", [], False, 2)]
    client.post(f"/staff/questions/{event.questions[0].id}/delete")
    assert [q.label for q in _event_with_agenda(app, event_id).questions] == ["Role?"]
    form = text(english(app).get(f"/events/{event_id}/register"))
    assert "Role?" in form and "Services?" not in form


@pytest.mark.parametrize(("data", "field"), [
    ({"question_kind": "single_choice", "question_label": "Size?", "question_options": "One"},
     "question_options"),
    ({"question_kind": "essay", "question_label": "Why?"}, "question_kind"),
    ({"question_kind": "short_text", "question_label": ""}, "question_label"),
])
def test_bad_questions_are_refused(app, client, data, field):
    event_id = add_event(app)
    response = client.post(f"/staff/events/{event_id}/questions", data=data)
    assert response.status_code == 422 and f'id="{field}-error"' in text(response)
    assert count(app, Question) == 0


# -- publishing
