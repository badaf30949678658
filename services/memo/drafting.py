"""Drafting a memo from the forum, its approved comments and its attendance.

:func:`draft_forum` is what both the ``feedback.window_closed`` task and a secretary's hand-started
draft call: it reads feedback's and registration's JSON APIs, makes the memo with its first
version, an empty follow-up per agenda item and the history entry, writes ``memo.drafted`` and
emails the secretaries. One memo per forum (a unique constraint backs the check). Flush only.
"""

import sqlalchemy as sa
from flask import current_app
from flask_babel import lazy_gettext as _l

from services.memo import composing, emails, forums, history, links, sources
from services.memo.errors import AlreadyDrafted, MemoError, WrongState
from services.memo.models import FollowUp, Forum, Memo, MemoState, MemoVersion, OutboxMessage, db
from shared.contracts import events
from shared.db import utcnow
from shared.outbox import emit

UNKNOWN_FORUM = _l("The memo service does not know this forum.")
NOT_HELD = _l("The forum has not been held yet.")


def memo_of(forum_id):
    """The forum's memo, or None."""
    return db.session.scalar(sa.select(Memo).where(Memo.forum_id == forum_id))


def _forum(event_id, event):
    """memo's forum for ``event_id``: its own copy, or one made from registration's answer."""
    forum = forums.from_registration(event) if event else None
    forum = forum or db.session.get(Forum, event_id)
    if forum is None:
        raise MemoError(UNKNOWN_FORUM)
    return forum


def draft(forum, topics, attendance, actor=None, topic_items=None):
    """Make the forum's memo from feedback's ``topics``; raises AlreadyDrafted if it has one.

    Guarantees: one memo per forum; version 1 holds the composed text; the secretaries are told
    by email and ``memo.drafted`` is written, all in the caller's transaction.
    """
    if memo_of(forum.id) is not None:
        raise AlreadyDrafted()
    comments, organisations = composing.count_all(topics)
    memo = Memo(forum=forum, state=MemoState.DRAFT, locale=current_app.config["DEFAULT_LOCALE"],
                secretary_name=actor.name if actor else "", attendance=attendance,
                comment_count=comments, organisation_count=organisations)
    db.session.add(memo)
    db.session.flush()
    version = MemoVersion(memo=memo, number=1, author_id=actor.id if actor else None,
                          author_name=history.actor_fields(actor)[1],
                          body=composing.compose(memo, forum, topics, topic_items))
    db.session.add_all([version, *(FollowUp(memo_id=memo.id, agenda_item_id=item.id)
                                   for item in forum.agenda)])
    history.record(memo, "drafted", actor, to_state=MemoState.DRAFT, version=version)
    emit(db.session, OutboxMessage, events.MEMO_DRAFTED, memo_id=memo.id, event_id=forum.id,
         title=forum.title, url=links.staff_memo_url(memo.id), comments=comments)
    emails.memo_drafted(memo)
    return memo


def draft_forum(event_id, actor=None, comments_url=None, topic_items=None):
    """Read the APIs and draft the memo of forum ``event_id``; returns the memo.

    Raises SourceUnavailable when feedback does not answer (nothing is stored then), and
    AlreadyDrafted for a forum with a memo. An unanswered registration API leaves the attendance
    unknown.
    """
    if memo_of(event_id) is not None:
        raise AlreadyDrafted()
    comments = sources.forum_comments(event_id, url=comments_url)
    event = sources.registration_event(event_id)
    forum = _forum(event_id, event)
    return draft(forum, comments["topics"], sources.attendance(event), actor, topic_items)


def draft_by_hand(event_id, actor):
    """A secretary starts the memo of a held forum (one that closed before memo existed, too).

    Raises WrongState for a forum that has not ended yet, and what :func:`draft_forum` raises.
    """
    forum = db.session.get(Forum, event_id)
    if forum is not None and forum.ends_at > utcnow():
        raise WrongState(NOT_HELD)
    memo = draft_forum(event_id, actor)
    if memo.forum.ends_at > utcnow():
        raise WrongState(NOT_HELD)
    return memo
