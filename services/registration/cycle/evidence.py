"""The milestone consumer: other services' messages recorded as a forum's milestones.

One function per topic maps the message's facts to :func:`milestones.record` with the topic as
its ``source`` and the facts as its ``evidence``. A message about an event registration does not
know, or a targeted session (which has no public milestones), changes nothing. The tasks of
:mod:`.tasks` run these once per message; flush only.

The memo's delivery is done only when every recipient the ``memo.published`` message listed has
a ``sent`` delivery. ``memo.delivered`` names only the memo and its publication, so the
publication's recipients are kept on the forum's pending ``memo_delivered`` milestone
(``evidence["publications"]``) until they all have one; a message for a publication not known yet
raises :class:`PublicationUnknown` (its task retries: the publication may be on its way).
"""

import sqlalchemy as sa

from services.registration.cycle import milestones
from services.registration.cycle.models import Milestone, MilestoneKey
from services.registration.models import Event, db
from shared.contracts import events

K = MilestoneKey


class PublicationUnknown(LookupError):
    """``memo.delivered`` for a publication whose ``memo.published`` was not recorded here."""


def _event(event_id):
    """The event, or None if registration does not know it."""
    return db.session.get(Event, event_id)


def _record(data, key, topic, at, evidence):
    """Record ``key`` of the message's event from ``topic``; the Milestone, or None."""
    event = _event(data["event_id"])
    if event is None:
        return None
    return milestones.record(event, key, at=at, by=topic.split(".")[0], source=topic,
                             evidence=evidence)


def window_opened(data):
    """``feedback.window_opened``: the forum's comments are open."""
    return _record(data, K.COMMENTS_OPEN, events.FEEDBACK_WINDOW_OPENED, data["opened_at"], {
        "opened_at": data["opened_at"].isoformat(), "topics": data["topics"]})


def window_closed(data):
    """``feedback.window_closed``: the forum's comments closed, with how many were approved."""
    topics = data["topics"]
    return _record(data, K.COMMENTS_CLOSE, events.FEEDBACK_WINDOW_CLOSED, data["closed_at"], {
        "closed_at": data["closed_at"].isoformat(), "topics": len(topics),
        "approved_comments": sum(topic["approved_comments"] for topic in topics)})


def memo_drafted(data):
    """``memo.drafted``: the forum's memo has a draft."""
    return _record(data, K.MEMO_DRAFTED, events.MEMO_DRAFTED, data["occurred_at"], {
        "memo_id": data["memo_id"], "url": data["url"], "comments": data["comments"]})


def memo_approved(data):
    """``memo.approved``: the working group signed a version of the memo off."""
    return _record(data, K.MEMO_REVIEWED, events.MEMO_APPROVED, data["occurred_at"], {
        "memo_id": data["memo_id"], "version": data["version"], "approvals": data["approvals"]})


def memo_published(data):
    """``memo.published``: the memo is public; its recipients wait for their deliveries."""
    recipients = [{"email": r["email"].lower(), "name": r.get("name", ""), "kind": r["kind"]}
                  for r in data["recipients"]]
    milestone = _record(data, K.MEMO_PUBLISHED, events.MEMO_PUBLISHED, data["published_at"], {
        "memo_id": data["memo_id"], "publication_id": data["publication_id"],
        "version": data["version"], "kind": data["kind"], "url": data["url"],
        "recipients": recipients})
    if milestone is not None and data["publication_id"] is not None:
        db.session.flush()  # SQLite: the write lock before the pending deliveries are read
        _track(_locked(milestone.event, K.MEMO_DELIVERED), data, recipients)
    return milestone


def _locked(event, key):
    """The event's milestone ``key`` read fresh, locked on PostgreSQL until the commit."""
    query = (sa.select(Milestone).where(Milestone.event_id == event.id, Milestone.key == key)
             .execution_options(populate_existing=True))
    if db.is_postgresql():
        query = query.with_for_update()
    return db.session.scalar(query)


def _track(delivered, data, recipients):
    """Keep the publication's recipients on the pending ``memo_delivered`` milestone."""
    if delivered is None or delivered.done_at is not None:
        return
    evidence = dict(delivered.evidence or {})
    publications = dict(evidence.get("publications", {}))
    publications.setdefault(str(data["publication_id"]), {
        "recipients": [r["email"] for r in recipients], "sent": [], "failed": []})
    delivered.evidence = {**evidence, "memo_id": data["memo_id"], "publications": publications}
    db.session.flush()


def memo_delivered(data):
    """``memo.delivered``: one recipient's copy, sent or failed; the milestone once all are sent.

    Returns the Milestone (done or still pending), or None when the memo's delivery is already
    recorded. Raises PublicationUnknown when no forum waits for this publication.
    """
    db.session.flush()  # SQLite: the write lock before the pending deliveries are read
    milestone = _pending_delivery(data["memo_id"], data["publication_id"])
    if milestone is None:
        if _delivery_done(data["memo_id"]):
            return None
        raise PublicationUnknown(f"publication {data['publication_id']} of memo {data['memo_id']}")
    key = str(data["publication_id"])
    publication = _with_delivery(milestone.evidence["publications"][key], data)
    publications = {**milestone.evidence["publications"], key: publication}
    milestone.evidence = {**milestone.evidence, "publications": publications}
    if set(publication["recipients"]) <= set(publication["sent"]) and publication["recipients"]:
        return milestones.record(milestone.event, K.MEMO_DELIVERED, at=data["occurred_at"],
                                 by="notify", source=events.MEMO_DELIVERED, evidence={
                                     "memo_id": data["memo_id"],
                                     "publication_id": data["publication_id"], **publication})
    db.session.flush()
    return milestone


def _with_delivery(publication, data):
    """The publication's delivery lists with this recipient's outcome (a later "sent" wins)."""
    email = data["email"].lower()
    sent = [e for e in publication["sent"] if e != email]
    failed = [f for f in publication["failed"] if f["email"] != email]
    if data["status"] == "sent":
        sent.append(email)
    else:
        failed.append({"email": email, "error": data.get("error", "")[:500]})
    return {**publication, "sent": sorted(sent), "failed": failed}


def _pending_delivery(memo_id, publication_id):
    """The pending ``memo_delivered`` milestone waiting for this publication, locked; or None."""
    query = (sa.select(Milestone).where(Milestone.key == K.MEMO_DELIVERED,
                                        Milestone.done_at.is_(None))
             .order_by(Milestone.id).execution_options(populate_existing=True))
    if db.is_postgresql():
        query = query.with_for_update()
    for milestone in db.session.scalars(query):
        evidence = milestone.evidence or {}
        if evidence.get("memo_id") == memo_id and str(publication_id) in evidence.get(
                "publications", {}):
            return milestone
    return None


def _delivery_done(memo_id):
    """Whether a forum's ``memo_delivered`` milestone is already done for this memo."""
    done = db.session.scalars(sa.select(Milestone.evidence).where(
        Milestone.key == K.MEMO_DELIVERED, Milestone.done_at.is_not(None)))
    return any((evidence or {}).get("memo_id") == memo_id for evidence in done)


def newsletter_sent(data):
    """``notify.newsletter_sent``: each forum the newsletter announced; the Milestones."""
    recorded = []
    for event_id in data["event_ids"]:
        milestone = _record({"event_id": event_id}, K.NEWSLETTER, events.NEWSLETTER_SENT,
                            data["finished_at"], {
                                "campaign_id": data["campaign_id"], "subject": data["subject"],
                                "recipients": data["recipients"]})
        if milestone is not None:
            recorded.append(milestone)
    return recorded
