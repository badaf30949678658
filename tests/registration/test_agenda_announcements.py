"""A published event's agenda changes are announced again (``event.published``), so feedback's
topics follow: items added, edited, removed, material uploaded or removed. Drafts announce nothing.
"""

import io

import pytest
import sqlalchemy as sa

from services.registration.models import AgendaItem, EventStatus, Material, db
from shared.contracts import SCHEMAS
from shared.contracts.events import EVENT_PUBLISHED
from shared.testing.fixtures import login_as
from tests.registration.builders import PDF


@pytest.fixture
def staff(app, client):
    """The client, logged in as a secretary."""
    login_as(app, client, "secretary")
    return client


def agendas(outbox):
    """The agendas of the announcements in the outbox: [[(id, title, material count)]]."""
    return [[(i["id"], i["title"], len(i["material_urls"])) for i in p["agenda"]]
            for p in outbox(EVENT_PUBLISHED)]


def item_ids(app):
    """{title: id} of every agenda item."""
    with app.app_context():
        return {i.title: i.id for i in db.session.scalars(sa.select(AgendaItem))}


def test_every_agenda_change_of_a_published_event_is_announced(app, staff, create_event, outbox):
    event_id = create_event(agenda=[{"title": "Budget"}])
    budget = item_ids(app)["Budget"]

    staff.post(f"/staff/events/{event_id}/agenda", data={"item_title": "Vouchers"})
    vouchers = item_ids(app)["Vouchers"]
    staff.post(f"/staff/agenda/{vouchers}/edit", data={"item_title": "Service vouchers"})
    staff.post(f"/staff/agenda/{budget}/materials", data={"file": (io.BytesIO(PDF), "b.pdf")},
               content_type="multipart/form-data")
    with app.app_context():
        material = db.session.scalar(sa.select(Material.id))
    staff.post(f"/staff/materials/{material}/delete")
    staff.post(f"/staff/agenda/{budget}/delete")

    assert agendas(outbox) == [
        [(budget, "Budget", 0), (vouchers, "Vouchers", 0)],
        [(budget, "Budget", 0), (vouchers, "Service vouchers", 0)],
        [(budget, "Budget", 1), (vouchers, "Service vouchers", 0)],
        [(budget, "Budget", 0), (vouchers, "Service vouchers", 0)],
        [(vouchers, "Service vouchers", 0)],
    ]
    for payload in outbox(EVENT_PUBLISHED):
        assert SCHEMAS[EVENT_PUBLISHED]().load(payload)["event_id"] == event_id


def test_a_draft_announces_nothing(app, staff, create_event, outbox):
    event_id = create_event(status=EventStatus.DRAFT, published_at=None)
    staff.post(f"/staff/events/{event_id}/agenda", data={"item_title": "Budget"})
    assert item_ids(app) and outbox(EVENT_PUBLISHED) == []


def test_refused_input_announces_nothing(app, staff, create_event, outbox):
    event_id = create_event()
    response = staff.post(f"/staff/events/{event_id}/agenda", data={"item_title": ""})
    assert response.status_code == 422
    assert outbox(EVENT_PUBLISHED) == []
