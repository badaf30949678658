"""Builders of the memo tests: staff users, a working group, a forum as announced, a drafted memo."""

import datetime as dt
import uuid

import sqlalchemy as sa

from services.memo import drafting, forums, group
from services.memo.models import OutboxMessage, db
from shared import auth
from shared.contracts.events import EventPublishedPayload
from shared.db import utcnow

_numbers = iter(range(1, 10_000))

def comment(n, organisation="Hoiva Oy", html="<p>A <em>good</em> point.</p>", replies=()):
    """One approved comment as feedback's API shows it."""
    return {"id": n, "author_name": f"Author {n}", "organisation": organisation, "html": html,
            "url": f"http://localhost/feedback/topics/1#comment-{n}", "replies": list(replies)}


def topics(*per_topic):
    """feedback's topics, the i-th with the comments ``per_topic[i]``."""
    return [{"id": 100 + i, "position": i, "title": f"Item {i}", "comments": list(comments)}
            for i, comments in enumerate(per_topic, start=1)]


def staff(*roles, email=None):
    """A staff user with ``roles`` (in an app context, committed)."""
    email = email or f"user{next(_numbers)}@example.fi"
    user = auth.create_user(email, f"Name of {email.split('@')[0]}", "pw", roles)
    auth.accounts_db.session.commit()
    return user


def working_group(size, today=None):
    """A current council term with ``size`` members, each also a working_group staff user.

    Returns the users, in the order of the members (in an app context, committed).
    """
    today = today or utcnow().date()
    term = group.add_term({"label": f"T{next(_numbers)}", "starts_on": today - dt.timedelta(days=400),
                           "ends_on": today + dt.timedelta(days=800)})
    users = []
    for n in range(size):
        user = staff(auth.Role.WORKING_GROUP)
        group.add_member(term, {"name": f"Member {n:02d}", "email": user.email,
                                "organisation": f"Provider {n}", "industry": "home care",
                                "company_size": "small", "region": "North"})
        users.append(user)
    db.session.commit()
    return users


def announcement(event_id=1, days_ago=30, agenda=None, occurred_at=None):
    """A loaded ``event.published`` payload of a forum held ``days_ago`` days ago."""
    starts = (utcnow() - dt.timedelta(days=days_ago)).replace(microsecond=0)
    agenda = agenda if agenda is not None else [
        {"id": 11, "position": 1, "title": "Budget 2027", "presenter_name": "Finance director",
         "presenter_email": "finance@county.example"},
        {"id": 12, "position": 2, "title": "Procurement plan", "presenter_name": "Procurement head",
         "presenter_email": "procurement@county.example"}]
    return EventPublishedPayload().load({
        "message_id": str(uuid.uuid4()), "occurred_at": (occurred_at or utcnow()).isoformat(),
        "event_id": event_id, "kind": "forum", "title": "Autumn provider forum", "theme": "budget",
        "starts_at": starts.isoformat(), "ends_at": (starts + dt.timedelta(hours=3)).isoformat(),
        "url": f"http://localhost/registration/events/{event_id}", "agenda": agenda})


def drafted_memo(event_id=1, feedback_topics=None, secretary=None):
    """A forum announced and its memo drafted from ``feedback_topics`` (no HTTP); returns its id."""
    forum = forums.sync_forum(announcement(event_id))
    forum.place = "Town hall"
    memo = drafting.draft(forum, feedback_topics or topics([comment(1)], []),
                          {"onsite": 5, "remote": 7, "checked_in": 4}, secretary)
    db.session.commit()
    return memo.id


def outbox(topic):
    """The payloads memo wrote on ``topic``, in order."""
    rows = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.topic == topic)
                              .order_by(OutboxMessage.id))
    return [row.payload for row in rows]
