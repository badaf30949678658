"""Demo data for a first look (``foorumi demo``, ``make run``): the working group and two memos.

:func:`seed` runs inside the memo app's context after the demo forums were announced to memo's
own consumer (see ``foorumi.demo``). It makes, once each:

* the council term 2025–2029 and its working group, whose members spread over the industries,
  company sizes and regions of the settings; the demo's working-group login
  (``tyoryhma@foorumi.example``) is one of them, so it lands on a review queue with a memo in it;
* the recipient list: two boards (lautakunnat) and the regional government (aluehallitus);
* for the most recent held forum, a memo in review with one member's approval given;
* for an earlier held forum, a published memo: its deliveries recorded per recipient as sent and
  one follow-up filled in.

Everything goes through memo's own operations with the demo secretary as the actor. A draft
quotes the comments of feedback's API answer and the attendance of registration's, which the
caller reads and passes in. The demo
stands in for notify's delivery of the published memo: each copy is recorded as sent through
memo's ``memo.record_delivery`` consumer, and its ``memo.published`` message is marked relayed
so that no copy goes out to the demo's addresses (``foorumi.demo`` hands it to the other
receivers). Flush only.
"""

import datetime as dt
import types
import uuid

import sqlalchemy as sa
from flask_babel import force_locale, gettext

from services.memo import (
    drafting,
    followups,
    forums,
    group,
    publishing,
    recipients,
    review,
    sources,
    versions,
)
from services.memo.models import CouncilTerm, Delivery, FollowUp, Forum, Memo, Recipient, db
from shared.auth import Role, StaffUser, accounts_db
from shared.celery import celery_app
from shared.contracts import events
from shared.db import utcnow

TERM = {"label": "2025–2029", "starts_on": dt.date(2025, 6, 1), "ends_on": dt.date(2029, 5, 31)}
WORKING_GROUP_LOGIN = "tyoryhma@foorumi.example"
SECRETARY_LOGIN = "sihteeri@foorumi.example"
#: (name, email, organisation, industry, company size, region) of the term's members
MEMBERS = (
    ("Tuula Työryhmä", WORKING_GROUP_LOGIN, "Kotihoito Tuula Oy", "home_care", "small", "centre"),
    ("Aarne Asumispalvelu", "aarne@asumispalvelu.example", "Asumispalvelu Aarne Oy",
     "elderly_care", "large", "north"),
    ("Ville Vammaispalvelu", "ville@avustajat.example", "Avustajapalvelu Ville",
     "disability", "micro", "east"),
    ("Lotta Lapsiperhe", "lotta@perhepalvelut.example", "Perhepalvelut Lotta ry",
     "child_family", "medium", "west"),
    ("Mirja Mielenterveys", "mirja@mielikuntoutus.example", "Mielikuntoutus Mirja Oy",
     "mental_health", "small", "south"),
    ("Terttu Terveys", "terttu@laakarikeskus.example", "Lääkärikeskus Terttu Oy",
     "health_care", "medium", "centre"),
    ("Olli Omaishoito", "olli@omaisapu.example", "Omaisapu Olli", "other", "micro", "north"),
)
#: (name, email, kind) of the recipient list
RECIPIENTS = (
    ("Sosiaali- ja terveyslautakunta", "sote-lautakunta@hyvinvointialue.example", "board"),
    ("Järjestö- ja osallisuuslautakunta", "osallisuuslautakunta@hyvinvointialue.example", "board"),
    ("Aluehallitus", "aluehallitus@hyvinvointialue.example", "regional_government"),
)
#: the members who approve each memo (by email), in order; the in-review one has one approval
IN_REVIEW_APPROVERS = ("aarne@asumispalvelu.example",)
PUBLISHED_APPROVERS = ("aarne@asumispalvelu.example", "ville@avustajat.example",
                       "lotta@perhepalvelut.example", WORKING_GROUP_LOGIN)
NOTES = "Keskustelussa toivottiin, että palvelusetelin arvoa tarkastellaan vuosittain."
FOLLOW_UP = {"handling_body": "Sosiaali- ja terveyslautakunta", "outcome":
             "Sääntökirjan yleinen osa hyväksyttiin; palvelusetelin arvo tarkistetaan vuosittain.",
             "decision_url": "https://paatokset.hyvinvointialue.example/sote/2026-9"}
#: the namespace of the demo's delivery reports' message ids (one per publication and address)
DELIVERY_NAMESPACE = uuid.UUID("2d7f8a3e-4a0c-4f5e-9d53-6f0b1d9c8e21")


def _term():
    """The demo term with its members (made once); returns (term, members added)."""
    term = db.session.scalar(sa.select(CouncilTerm).where(CouncilTerm.label == TERM["label"]))
    if term is not None:
        return term, 0
    term = group.add_term(TERM)
    for name, email, organisation, industry, size, region in MEMBERS:
        group.add_member(term, {"name": name, "email": email, "organisation": organisation,
                                "industry": industry, "company_size": size, "region": region})
    return term, len(MEMBERS)


def _recipients():
    """The recipient list entries that do not exist yet; returns how many were added."""
    known = set(db.session.scalars(sa.select(Recipient.email)))
    added = [recipients.add({"name": name, "email": email, "kind": kind})
             for name, email, kind in RECIPIENTS if email not in known]
    return len(added)


def _staff(email):
    """The demo staff user with this login email, or None (``foorumi.demo`` makes them first)."""
    return accounts_db.session.scalar(sa.select(StaffUser).where(StaffUser.email == email))


def _member_actor(term, email):
    """Who signs off for the member with ``email``: their staff login if the demo has one.

    The demo's other members have no login; their sign-off is recorded with their name and email
    (the review's rules check only that the signer is a member of the term).
    """
    user = _staff(email)
    if user is not None:
        return user
    member = next(m for m in group.active_members(term) if m.email == email)
    return types.SimpleNamespace(id=None, name=member.name, email=member.email,
                                 has_role=lambda *roles: Role.WORKING_GROUP in roles)


def _held_forums(now):
    """memo's forums that have been held and have no memo yet, newest first."""
    held = db.session.scalars(sa.select(Forum).where(Forum.ends_at <= now)
                              .order_by(Forum.ends_at.desc())).all()
    return [forum for forum in held if drafting.memo_of(forum.id) is None]


def _drafted(forum, secretary, answers):
    """The forum's memo drafted by ``secretary`` from the APIs' ``answers``, as a hand-started
    draft is, with the first item's discussion notes saved as version 2."""
    comments, event = answers.get(forum.id, ({"topics": []}, None))
    if event:
        forum = forums.from_registration(event) or forum
    memo = drafting.draft(forum, comments["topics"], sources.attendance(event), secretary)
    with force_locale(memo.locale):
        placeholder = gettext("Write the discussion notes here.")
    versions.save_version(memo, memo.latest.body.replace(placeholder, NOTES, 1), secretary)
    return memo


def _in_review(forum, term, secretary, answers):
    """The memo of ``forum`` submitted to the working group, with one approval given."""
    memo = _drafted(forum, secretary, answers)
    review.submit_for_review(memo, secretary)
    db.session.flush()
    for email in IN_REVIEW_APPROVERS:
        review.approve(memo.id, _member_actor(term, email))
    return memo


def _record_sent(publication):
    """Each delivery of ``publication`` reported sent through memo's own delivery consumer."""
    consumer = celery_app.tasks["memo.record_delivery"]
    rows = db.session.scalars(sa.select(Delivery).where(Delivery.publication_id == publication.id))
    for row in rows.all():
        consumer.run({"message_id": str(uuid.uuid5(DELIVERY_NAMESPACE, f"{publication.id}:{row.email}")),
                      "occurred_at": utcnow().isoformat(), "memo_id": row.memo_id,
                      "publication_id": publication.id, "email": row.email, "status": "sent"})


def _mark_relayed(memo):
    """Mark the memo's ``memo.published`` message relayed: the demo delivered it already."""
    for row in db.session.info.get("outbox_rows", []):
        if row.topic == events.MEMO_PUBLISHED and row.payload["memo_id"] == memo.id:
            row.sent_at = utcnow()
    db.session.flush()


def _published(forum, term, secretary, answers):
    """The memo of ``forum`` reviewed, approved, published, delivered, with a follow-up."""
    memo = _drafted(forum, secretary, answers)
    review.submit_for_review(memo, secretary)
    db.session.flush()
    for email in PUBLISHED_APPROVERS:
        review.approve(memo.id, _member_actor(term, email))
    publication = publishing.publish(memo.id, secretary)
    _mark_relayed(memo)
    _record_sent(publication)
    follow_ups = db.session.scalars(sa.select(FollowUp).where(FollowUp.memo_id == memo.id)).all()
    first = min(follow_ups, key=lambda follow_up: follow_up.agenda_item.position)
    followups.update(first, {**FOLLOW_UP, "handled_on": forum.starts_at.date()
                             + dt.timedelta(days=30)}, secretary)
    return memo


def _memos(now, term, answers):
    """The two demo memos, on the two most recent held forums without one; how many were made."""
    if db.session.scalar(sa.select(sa.func.count(Memo.id))):
        return 0
    secretary = _staff(SECRETARY_LOGIN)
    held = _held_forums(now)
    if secretary is None or len(held) < 2:
        return 0
    _in_review(held[0], term, secretary, answers)
    _published(held[1], term, secretary, answers)
    return 2


def seed(now=None, answers=None):
    """Add the demo's working group, recipient list and memos (flush only); returns a summary.

    ``answers`` maps a forum id to (feedback's forum comments answer, registration's event
    answer), what a hand-started draft reads from their JSON APIs; a forum missing from it is
    drafted with no comments and its attendance unknown.
    """
    now = now or utcnow()
    term, members = _term()
    added = _recipients()
    memos = _memos(now, term, answers or {})
    db.session.flush()
    summary = {"working group members added": members, "memo recipients added": added,
               "memos created": memos}
    return {key: value for key, value in summary.items() if value}
