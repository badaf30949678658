"""No overbooking (rule 4 of the house): 200 concurrent on-site registrations for 10 seats.

Each thread has its own test client and posts through the JSON API; a barrier starts them all at
once. With the seat lock exactly the capacity is confirmed and the rest wait in order. The API
answers every registration alike (202), so where each registrant stands is read from the database
and from the email each was sent. The control run switches the lock off (``SEAT_LOCK_ENABLED=False``,
a test-only setting) and must overbook, which shows that this test can catch a broken lock.
"""

import threading

import pytest
import sqlalchemy as sa

from services.registration import queries
from services.registration.models import OutboxMessage, Registration, RegistrationStatus, db
from shared.db import dispose_engines
from tests.registration.conftest import build_event

THREADS = 200
SEATS = 10

pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def free_connections():
    """Close the pools' idle connections first: the registration pool alone may open 50.

    PostgreSQL allows 100 clients; idle connections other tests left in other components'
    pools would otherwise count against them.
    """
    dispose_engines()


def _registration(n):
    """The API body of registrant ``n``."""
    return {"name": f"Registrant {n}", "email": f"registrant{n}@example.fi",
            "organisation": "Hoiva Oy", "municipality": "Kuopio", "attendance_mode": "onsite",
            "privacy_consent": True}


def _create_event(app):
    """A published forum with SEATS on-site seats; returns its id."""
    with app.app_context():
        event = build_event(onsite_capacity=SEATS)
        db.session.add(event)
        db.session.commit()
        return event.id


def register_all_at_once(app, event_id):
    """POST THREADS registrations from THREADS threads started together; returns the answers."""
    barrier = threading.Barrier(THREADS)
    answers = [None] * THREADS

    def post(n):
        client = app.test_client()
        try:
            barrier.wait(timeout=60)
            response = client.post(f"/api/v1/events/{event_id}/registrations",
                                   json=_registration(n))
            answers[n] = (response.status_code, response.get_json(silent=True))
        except Exception as exc:  # noqa: BLE001 - reported by the test, not lost in a thread
            answers[n] = ("exception", repr(exc))

    threads = [threading.Thread(target=post, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def stored(app, event_id):
    """(confirmed, waitlisted registrations in line order) of the event, from the database."""
    with app.app_context():
        registrations = db.session.scalars(
            sa.select(Registration).where(Registration.event_id == event_id)
            .order_by(Registration.waitlisted_at, Registration.id)
        ).all()
        confirmed = [r for r in registrations if r.status == RegistrationStatus.CONFIRMED]
        waitlisted = [r for r in registrations if r.status == RegistrationStatus.WAITLISTED]
        positions = [queries.waitlist_position(r) for r in waitlisted]
        return confirmed, waitlisted, positions


def emailed(app):
    """(template, waiting-list place or 0) of every email in the outbox, sorted."""
    with app.app_context():
        payloads = db.session.scalars(sa.select(OutboxMessage.payload)
                                      .where(OutboxMessage.topic == "notify.send_email"))
        return sorted((p["template"], p["context"]["waitlist_position"] or 0) for p in payloads)


def test_concurrent_registrations_never_overbook(make_app):
    app = make_app("registration")
    event_id = _create_event(app)

    answers = register_all_at_once(app, event_id)

    codes = [a[0] for a in answers]
    busy = codes.count(503)
    assert set(codes) <= {202, 503}, [a for a in answers if a[0] not in (202, 503)][:3]
    assert busy == 0, f"{busy} registrations answered 503 (seats busy)"
    assert emailed(app) == [("registration_confirmed", 0)] * SEATS + [
        ("registration_waitlisted", place) for place in range(1, THREADS - SEATS + 1)]
    confirmed, waitlisted, positions = stored(app, event_id)
    assert len(confirmed) == SEATS
    assert len(waitlisted) == THREADS - SEATS
    assert positions == list(range(1, THREADS - SEATS + 1))
    # the line is in the order the seat lock was taken: by time, and by id alike
    assert [r.id for r in waitlisted] == sorted(r.id for r in waitlisted)


def test_control_without_the_seat_lock_overbooks(make_app):
    app = make_app("registration", SEAT_LOCK_ENABLED=False)
    event_id = _create_event(app)

    answers = register_all_at_once(app, event_id)

    assert {a[0] for a in answers} == {202}, [a for a in answers if a[0] != 202][:3]
    confirmed, _waitlisted, _positions = stored(app, event_id)
    assert len(confirmed) > SEATS, "the control did not overbook: the test could not catch it"
