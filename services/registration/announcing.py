"""Announcing the published events again, for a service that started listening after them.

``event.published`` is the contract that carries a forum's agenda and its presenters' addresses
to memo (and its topics to feedback, its feed item to notify). A service deployed after some
forums were published never saw their announcements: ``foorumi announce-again`` sends them once
more. Every receiver treats an announcement as the newest state of the event, so a repeat
changes nothing where the receiver already had it.
"""

import sqlalchemy as sa

from services.registration import emails
from services.registration.models import Event, EventStatus, db


def announce_again():
    """Write ``event.published`` for every published or held event, oldest first; flush only.

    Returns how many events were announced.
    """
    events = db.session.scalars(
        sa.select(Event).where(Event.status.in_((EventStatus.PUBLISHED, EventStatus.HELD)))
        .order_by(Event.id)).all()
    for event in events:
        emails.event_published(event)
    db.session.flush()
    return len(events)
