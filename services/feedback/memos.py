"""The forum's published memo, as the memo service announced it (feedback never reads memo).

``memo.published`` carries the memo's public page; feedback keeps it on its forum and every
topic of the forum links it. A correction keeps the memo's address, so a redelivered or late
message sets the same value again. Flush only.
"""

from services.feedback.models import Forum, db


def link_memo(data):
    """Store the published memo's address on its forum; returns the forum, or None if unknown."""
    forum = db.session.get(Forum, data["event_id"])
    if forum is None:
        return None
    forum.memo_url = data["url"][:500]
    db.session.flush()
    return forum
