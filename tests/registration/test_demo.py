"""The demo data: what ``make run`` shows first, made once however often it runs."""

import re

import pytest
import sqlalchemy as sa

from services.registration import captions, demo, operations, queries
from services.registration.models import (
    Event,
    EventKind,
    EventStatus,
    Material,
    OutboxMessage,
    Registration,
    RegistrationStatus,
    Theme,
    db,
)
from shared.db import utcnow
from tests.registration.builders import english


@pytest.fixture
def app(make_app):
    """The registration service's app on the test databases."""
    return make_app("registration")


def _seed(app):
    """Run the seed in the app's context."""
    with app.app_context():
        return demo.seed()


def _counts(app):
    """(events, registrations, materials, outbox messages) now."""
    with app.app_context():
        return tuple(db.session.scalar(sa.select(sa.func.count()).select_from(m))
                     for m in (Event, Registration, Material, OutboxMessage))


def test_seed_makes_the_demo_forums_once(app):
    first = _seed(app)
    assert first["events created"] == 5 and first["registrations created"] == 13
    counts = _counts(app)
    second = _seed(app)
    assert second["events created"] == 0 and second["registrations created"] == 0
    # the five forums above, and the cycle demo's three (services.registration.cycle.demo)
    assert second["events in total"] == 8 and _counts(app) == counts


def test_seed_gives_an_upcoming_budget_forum_worth_looking_at(app):
    _seed(app)
    with app.app_context():
        forum = db.session.scalar(sa.select(Event).where(Event.title == demo.BUDGET_FORUM))
        assert forum.status == EventStatus.PUBLISHED and forum.theme == Theme.BUDGET
        assert forum.onsite_capacity == 40 and forum.remote_join_url.startswith("https://")
        assert 19 <= (forum.starts_at - forum.published_at).days <= 21
        assert len(forum.agenda_items) == 3 and all(i.presenter_name for i in forum.agenda_items)
        assert len(forum.questions) == 2 and operations.registration_open(forum)
        material = forum.agenda_items[0].materials[0]
        assert material.content_type == "application/pdf" and material.size == len(material.data)
        forum_id, material_id = forum.id, material.id
    client = english(app)
    page = client.get(f"/events/{forum_id}").get_data(as_text=True)
    assert "talousarvio-2027.pdf" in page and "Registration is open." in page
    assert client.get(f"/materials/{material_id}").status_code == 200
    assert demo.STRATEGY_FORUM in client.get("/").get_data(as_text=True)


def test_seed_has_a_waiting_list_a_targeted_draft_and_a_recording(app):
    _seed(app)
    with app.app_context():
        small = db.session.scalar(sa.select(Event).where(Event.title == demo.STRATEGY_FORUM))
        assert queries.seats_left(small) == 0
        waiting = db.session.scalars(sa.select(Registration).where(
            Registration.event_id == small.id,
            Registration.status == RegistrationStatus.WAITLISTED)).all()
        assert sorted(queries.waitlist_position(r) for r in waiting) == [1, 2]
        targeted = db.session.scalar(sa.select(Event).where(Event.kind == EventKind.TARGETED))
        assert targeted.status == EventStatus.DRAFT
        held = db.session.scalar(sa.select(Event).where(Event.title == demo.HELD_FORUM))
        assert held.status == EventStatus.HELD and operations.recording_state(held) == "available"
        assert captions.deadline_state(held, utcnow()) == "green"


def test_the_demo_pdf_is_well_formed():
    data = demo.demo_pdf(["Hyvää päivää (demo)", "back\\slash"])
    assert data.startswith(b"%PDF-1.4\n") and data.endswith(b"%%EOF\n")
    xref_at = int(re.search(rb"startxref\n(\d+)\n", data).group(1))
    assert data[xref_at:].startswith(b"xref\n0 6\n")
    offsets = [int(o) for o in re.findall(rb"(\d{10}) 00000 n ", data)]
    for number, offset in enumerate(offsets, start=1):
        assert data[offset:].startswith(b"%d 0 obj\n" % number)
    assert b"(Hyv\xe4\xe4 p\xe4iv\xe4\xe4 \\(demo\\))" in data and b"back\\\\slash" in data
