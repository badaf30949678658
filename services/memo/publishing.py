"""Publishing a memo, and correcting a published one.

Only a secretary publishes, and only the approved newest version. Publishing writes the
publication, a pending delivery per recipient (the forum's series' memo recipients, or the
list's boards and regional government; the series' communication partners; the agenda's
presenters) and ``memo.published`` with what notify needs to deliver it. A published
memo is immutable: a correction is a new version through the same review, published as
"corrected" with the earlier publication kept and linked. Flush only.
"""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from services.memo import history, links, review
from services.memo.errors import NotAllowed, WrongState
from services.memo.models import (
    Delivery,
    MemoState,
    MemoVersion,
    OutboxMessage,
    Publication,
    PublicationKind,
    Recipient,
    RecipientKind,
    ReviewRound,
    RoundOutcome,
    db,
)
from shared.auth import Role
from shared.contracts import events
from shared.outbox import emit

NOT_APPROVED = _l("Only a version the working group has approved can be published.")
NOT_PUBLISHED = _l("Only a published memo can be corrected.")
PUBLISHED_STATES = (MemoState.PUBLISHED, MemoState.CORRECTED)


def _require_secretary(actor):
    """Raise NotAllowed unless ``actor`` is a secretary (or an admin)."""
    if not actor.has_role(Role.SECRETARY):
        raise NotAllowed()


def approved_round(memo):
    """The approved round of the memo's newest version, or None."""
    return db.session.scalar(sa.select(ReviewRound).where(
        ReviewRound.version_id == memo.latest.id, ReviewRound.outcome == RoundOutcome.APPROVED))


def _defaults(forum):
    """[(kind, name, email, list entry id)] of the forum's default recipients: its series'
    memo recipients when the series names any, else the recipient list's active entries."""
    if forum.memo_recipients:
        return [(RecipientKind(entry.get("kind") or "other"), entry.get("name") or "",
                 entry["email"], None) for entry in forum.memo_recipients]
    entries = db.session.scalars(sa.select(Recipient).where(Recipient.active.is_(True))
                                 .order_by(Recipient.kind, Recipient.name)).all()
    return [(r.kind, r.name, r.email, r.id) for r in entries]


def recipients(memo):
    """[(kind, name, email, list entry id)] the memo goes to: the forum's default recipients
    (:func:`_defaults`), then its series' communication partners (kind "other"), then the
    presenters.

    Each address once (the earlier wins: a default recipient over a partner or presenter).
    """
    seen, found = set(), []
    partners = [(RecipientKind.OTHER, partner.get("name") or "", partner["email"], None)
                for partner in memo.forum.partners or ()]
    presenters = [(RecipientKind.PRESENTER, item.presenter_name, item.presenter_email, None)
                  for item in memo.forum.agenda if item.presenter_email]
    for kind, name, email, entry_id in _defaults(memo.forum) + partners + presenters:
        if email.lower() not in seen:
            seen.add(email.lower())
            found.append((kind, name, email.lower(), entry_id))
    return found


def publish(memo_id, actor):
    """Publish the memo's approved newest version; returns the publication.

    Raises NotAllowed for anyone but a secretary, WrongState unless the memo is approved.
    Guarantees one publication per approved version (a unique constraint) and one
    ``memo.published`` message per publication.
    """
    _require_secretary(actor)
    memo = review.lock_memo(memo_id)
    if memo.state != MemoState.APPROVED or approved_round(memo) is None:
        raise WrongState(NOT_APPROVED)
    previous = memo.publication
    kind = PublicationKind.CORRECTED if previous else PublicationKind.PUBLISHED
    publication = Publication(version=memo.latest, kind=kind,
                              corrects_id=previous.id if previous else None,
                              published_by_id=actor.id, published_by_name=actor.name)
    memo.publications.append(publication)
    db.session.flush()
    to = recipients(memo)
    db.session.add_all([Delivery(memo_id=memo.id, publication_id=publication.id, kind=kind_,
                                 name=name, email=email, recipient_id=entry_id)
                        for kind_, name, email, entry_id in to])
    history.record(memo, kind.value, actor, to_state=MemoState(kind.value), version=memo.latest)
    emit(db.session, OutboxMessage, events.MEMO_PUBLISHED, memo_id=memo.id,
         event_id=memo.forum_id, title=memo.forum.title, url=links.memo_url(memo.id),
         published_at=publication.published_at.isoformat(), kind=kind.value,
         publication_id=publication.id, version=memo.latest.number,
         pdf_url=links.pdf_url(memo.id, publication.id), locale=memo.locale,
         recipients=[{"email": email, "name": name, "kind": kind_.value}
                     for kind_, name, email, _ in to])
    return publication


def correct(memo_id, body, actor):
    """Start a correction of a published memo: a new version, back in draft for the same review.

    The publication in force stays public until the correction is published. Raises NotAllowed
    for anyone but a secretary and WrongState for a memo that is not published. Returns the
    new version.
    """
    _require_secretary(actor)
    memo = review.lock_memo(memo_id)
    if memo.state not in PUBLISHED_STATES:
        raise WrongState(NOT_PUBLISHED)
    version = MemoVersion(memo=memo, number=memo.latest.number + 1, body=body,
                          author_id=actor.id, author_name=actor.name)
    db.session.add(version)
    history.record(memo, "correction_started", actor, to_state=MemoState.DRAFT, version=version)
    return version
