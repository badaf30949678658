"""event.published payloads as registration sends them, for the announcement and plan tests."""

import datetime as dt
import uuid


def event_published(event_id=1, starts=None, kind="forum", title="Autumn provider forum",
                    theme="budget", published=None):
    """A valid event.published payload (a fresh message id each call)."""
    starts = starts or dt.datetime(2031, 10, 14, 10, 0, tzinfo=dt.UTC)
    return {
        "message_id": str(uuid.uuid4()),
        "occurred_at": (published or starts - dt.timedelta(days=30)).isoformat(),
        "event_id": event_id, "kind": kind, "title": title, "theme": theme,
        "starts_at": starts.isoformat(), "ends_at": (starts + dt.timedelta(hours=3)).isoformat(),
        "url": f"http://localhost/registration/events/{event_id}",
        "agenda": [{"id": 2, "position": 2, "title": "Procurement plan"},
                   {"id": 1, "position": 1, "title": "Budget 2032"}],
    }
