"""The working group per council term: terms, members, and who reviews now. Flush only."""

import sqlalchemy as sa

from services.memo.models import CouncilTerm, GroupMember, db
from shared.db import utcnow
from shared.localtime import helsinki


def current_term(today=None):
    """The council term today (Helsinki) falls in, or None."""
    today = today or utcnow().astimezone(helsinki()).date()
    return db.session.scalar(sa.select(CouncilTerm).where(
        CouncilTerm.starts_on <= today, CouncilTerm.ends_on >= today))


def active_members(term):
    """The term's members who are asked to review, by name."""
    return db.session.scalars(sa.select(GroupMember).where(
        GroupMember.term_id == term.id, GroupMember.active.is_(True))
        .order_by(GroupMember.name, GroupMember.id)).all()


def member_for(term, user):
    """The active member of ``term`` who signs in as staff ``user``, or None."""
    email = user.email.strip().lower()
    for member in active_members(term):
        if member.login_email.strip().lower() == email:
            return member
    return None


def add_term(data):
    """Add a council term (``label``, ``starts_on``, ``ends_on``); returns it."""
    term = CouncilTerm(**data)
    db.session.add(term)
    db.session.flush()
    return term


def add_member(term, data):
    """Add a member to ``term``; emails are stored lowercased. Returns the member."""
    member = GroupMember(term=term, **_normalised(data))
    db.session.add(member)
    db.session.flush()
    return member


def update_member(member, data):
    """Change a member's details (or ``active``); returns the member."""
    for name, value in _normalised(data).items():
        setattr(member, name, value)
    db.session.flush()
    return member


def _normalised(data):
    """``data`` with its email addresses lowercased."""
    data = dict(data)
    for name in ("email", "staff_email"):
        if data.get(name):
            data[name] = data[name].strip().lower()
    return data
