"""The emails the memo service sends, written to its outbox for notify to render and send.

``memo_drafted`` tells each secretary a draft waits; ``memo_review_requested`` asks each member
of the current term to review a version; ``memo_review_reminder`` reminds those who have not
answered after the set number of working days. Nothing is sent directly: a message waits for the
commit of the change that caused it, and notify sends it at most once per recipient.
"""

from flask import current_app

from services.memo import links
from services.memo.models import OutboxMessage, db
from shared.auth import Role, staff_with_role
from shared.contracts import notify
from shared.outbox import emit


def _send(to, name, template, context):
    """Write one email into the outbox, in the suite's default language (staff have no other)."""
    emit(db.session, OutboxMessage, notify.SEND_EMAIL, to=to, to_name=name,
         locale=current_app.config["DEFAULT_LOCALE"], template=template, context=context)


def memo_drafted(memo):
    """Tell every secretary that the forum's memo was drafted; returns how many were told."""
    secretaries = staff_with_role(Role.SECRETARY)
    for user in secretaries:
        _send(user.email, user.name, "memo_drafted", {
            "name": user.name, "event_title": memo.forum.title, "memo_url":
            links.staff_memo_url(memo.id), "comments": memo.comment_count})
    return len(secretaries)


def review_requested(memo, version, members):
    """Ask each of ``members`` to review ``version``, with the link to the review page."""
    for member in members:
        _send(member.email, member.name, "memo_review_requested", {
            "name": member.name, "event_title": memo.forum.title, "version": version.number,
            "review_url": links.review_url(memo.id)})


def review_reminder(memo, version, members):
    """Remind each of ``members`` that ``version`` still waits for their answer."""
    for member in members:
        _send(member.email, member.name, "memo_review_reminder", {
            "name": member.name, "event_title": memo.forum.title, "version": version.number,
            "review_url": links.review_url(memo.id),
            "working_days": current_app.config["MEMO_REMINDER_WORKING_DAYS"]})
