"""Announcing the published events again (``foorumi announce-again``)."""

from services.registration.announcing import announce_again
from services.registration.models import EventStatus, db
from shared.contracts import events
from tests.registration.conftest import PRESENTER_EMAIL


def test_every_published_and_held_event_is_announced_with_its_presenters(app, create_event, outbox):
    published = create_event(title="Spring forum", agenda=[{"title": "Budget",
                                                            "presenter_name": "Anna"}])
    held = create_event(title="Winter forum", status=EventStatus.HELD)
    create_event(title="Draft", status=EventStatus.DRAFT)
    create_event(title="Cancelled", status=EventStatus.CANCELLED)
    with app.app_context():
        assert announce_again() == 2
        db.session.commit()
    sent = outbox(events.EVENT_PUBLISHED)
    assert [m["event_id"] for m in sent] == [published, held]
    assert sent[0]["agenda"][0]["presenter_email"] == PRESENTER_EMAIL
    assert sent[0]["agenda"][0]["presenter_name"] == "Anna"


def test_nothing_is_announced_when_nothing_is_published(app, create_event, outbox):
    create_event(status=EventStatus.DRAFT)
    with app.app_context():
        assert announce_again() == 0
    assert outbox(events.EVENT_PUBLISHED) == []
