"""The forum's published memo, as the memo service announced it (registration never reads memo).

``memo.published`` carries the memo's public page; registration keeps it on the event, and the
event page links it. A correction keeps the memo's address, so a redelivered or late message
sets the same value again. Flush only.
"""

from services.registration.models import Event, db


def link_memo(data):
    """Store the published memo's address on its event; returns the event, or None if unknown."""
    event = db.session.get(Event, data["event_id"])
    if event is None:
        return None
    event.memo_url = data["url"][:500]
    db.session.flush()
    return event
