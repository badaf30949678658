"""The event page's cached agenda: reused until its items or documents change, never after.

The cache key is ``events.agenda_version``, which database triggers bump with every write of an
agenda item or a document, so each test changes the agenda a different way and reads the page.
"""

import pytest
import sqlalchemy as sa

from services.registration.models import AgendaItem, EventKind, db
from shared.db import engine_for
from shared.testing.statements import recording
from tests.registration.builders import add_event, add_invitation, add_item, add_material, english
from tests.registration.test_public import page


@pytest.fixture
def client(app):
    """A client reading English pages."""
    return english(app)


def agenda_reads(app, client, path):
    """(page text, how many statements read the agenda tables) of one GET of ``path``."""
    with recording(engine_for(app.config["REGISTRATION_DATABASE_URL"])) as seen:
        text = page(client.get(path))
    return text, sum(1 for statement, _ in seen
                     if "FROM agenda_items" in statement or "FROM materials" in statement)


def test_a_second_view_reuses_the_agenda_without_reading_it(app, client):
    event_id = add_event(app)
    add_material(app, add_item(app, event_id, title="Budget 2027"))
    first, reads = agenda_reads(app, client, f"/events/{event_id}")
    assert "Budget 2027" in first and "budget.pdf" in first and reads == 2
    second, reads = agenda_reads(app, client, f"/events/{event_id}")
    assert second == first and reads == 0


def test_a_new_item_or_document_shows_at_once(app, client):
    event_id = add_event(app)
    item_id = add_item(app, event_id, title="Budget 2027")
    assert "Service vouchers" not in page(client.get(f"/events/{event_id}"))
    add_item(app, event_id, title="Service vouchers")
    assert "Service vouchers" in page(client.get(f"/events/{event_id}"))
    add_material(app, item_id, filename="vouchers.pdf")
    assert "vouchers.pdf" in page(client.get(f"/events/{event_id}"))


@pytest.mark.parametrize("statement", [
    "UPDATE agenda_items SET title = 'Renamed by hand'",
    "DELETE FROM agenda_items",
    "UPDATE materials SET filename = 'renamed.pdf'",
    "DELETE FROM materials",
])
def test_writes_outside_the_orm_change_the_page_too(app, client, statement):
    event_id = add_event(app)
    add_material(app, add_item(app, event_id, title="Original title"), filename="original.pdf")
    text = page(client.get(f"/events/{event_id}"))
    assert "Original title" in text and "original.pdf" in text
    with app.app_context():
        db.session.execute(sa.text(statement))
        db.session.commit()
    text = page(client.get(f"/events/{event_id}"))
    assert "Original title" not in text or "original.pdf" not in text


def test_the_orm_edit_of_an_item_shows_at_once(app, client):
    event_id = add_event(app)
    item_id = add_item(app, event_id, title="Draft title")
    assert "Draft title" in page(client.get(f"/events/{event_id}"))
    with app.app_context():
        db.session.get(AgendaItem, item_id).title = "Final title"
        db.session.commit()
    text = page(client.get(f"/events/{event_id}"))
    assert "Final title" in text and "Draft title" not in text


def test_an_invitation_gets_its_own_agenda_links(app, client):
    event_id = add_event(app, kind=EventKind.TARGETED)
    first, second = (add_invitation(app, event_id, email=f"{n}@example.fi", token=f"token-{n}")
                     for n in ("a", "b"))
    material_id = add_material(app, add_item(app, event_id))
    for token in (first, second):
        html = client.get(f"/events/{event_id}?invitation={token}").get_data(as_text=True)
        assert f"/materials/{material_id}?invitation={token}" in html


def test_each_language_has_its_own_agenda(app):
    event_id = add_event(app)
    add_item(app, event_id)
    english_page = page(english(app).get(f"/events/{event_id}"))
    finnish_page = page(app.test_client().get(f"/events/{event_id}",
                                              headers={"Accept-Language": "fi"}))
    assert "Agenda" in english_page and "Agenda" not in finnish_page
