"""Deliveries of published memos: notify's ``memo.delivered`` reports, one per recipient.

Flush only. A report for an address the publication was not sent to is ignored.
"""

import sqlalchemy as sa

from services.memo import history
from services.memo.models import Delivery, DeliveryStatus, Memo, db
from shared.db import utcnow


def record(data):
    """Set the delivery's status from a loaded ``memo.delivered`` payload; returns it or None."""
    found = db.session.scalar(sa.select(Delivery).where(
        Delivery.publication_id == data["publication_id"],
        Delivery.email == data["email"].strip().lower()))
    if found is None:
        return None
    found.status, found.error = DeliveryStatus(data["status"]), data.get("error", "")
    found.reported_at = utcnow()
    history.record(db.session.get(Memo, found.memo_id), "delivered",
                   note=f"{found.email}: {found.status.value}")
    return found
