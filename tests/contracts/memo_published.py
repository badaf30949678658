"""A ``memo.published`` payload as memo's outbox carries it, for the receivers' tests."""

import uuid

from shared.contracts.events import MemoPublishedPayload
from shared.db import utcnow


def memo_published(event_id=1, memo_id=3, publication_id=4, recipients=(), **values):
    """A dumped ``memo.published`` payload (what a receiving task gets)."""
    url = values.pop("url", f"http://localhost/memo/memos/{memo_id}")
    payload = {"message_id": str(uuid.uuid4()), "occurred_at": utcnow().isoformat(),
               "memo_id": memo_id, "event_id": event_id, "title": "Autumn provider forum",
               "url": url, "published_at": utcnow().isoformat(), "kind": "published",
               "publication_id": publication_id, "version": 2,
               "pdf_url": f"{url}/publications/{publication_id}.pdf", "locale": "fi",
               "recipients": list(recipients), **values}
    return MemoPublishedPayload().dump(MemoPublishedPayload().load(payload))
