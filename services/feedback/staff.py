"""Staff pages of moderation: the queues, a comment's detail and history, decisions, the audit trail.

Moderators (and admins) see the pending and reported queues and decide, one comment at a time or
in bulk; admins alone read the whole audit trail. Views load the posted form, call
:mod:`moderation`, commit and redirect; a refused decision re-renders the page with the error next
to its field (422 for bad input, 409 for a decision the comment's state no longer allows, 404 for
an unknown comment in the path, 422 for one ticked in the bulk form) and changes nothing.
"""

import sqlalchemy as sa
from flask import abort, flash, redirect, request, url_for
from flask_babel import format_timedelta, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, Schema, ValidationError, fields

from services.feedback import moderation, queue
from services.feedback.models import (
    Comment,
    CommentStatus,
    ModerationAction,
    ModerationDecision,
    db,
)
from services.feedback.personal_data import describe
from services.feedback.public import REASON_LABELS, page
from shared.auth import Role, current_staff, login_required
from shared.web.fields import Id

moderator = login_required(Role.MODERATOR)
admin = login_required(Role.ADMIN)

ACTION_LABELS = {
    ModerationAction.APPROVE: _l("Approved"),
    ModerationAction.REJECT: _l("Rejected"),
    ModerationAction.HIDE: _l("Hidden"),
    ModerationAction.DISMISS_REPORTS: _l("Reports dismissed"),
}
STATUS_LABELS = {
    CommentStatus.UNCONFIRMED: _l("Not confirmed by the author"),
    CommentStatus.PENDING: _l("Waiting for moderation"),
    CommentStatus.APPROVED: _l("Published"),
    CommentStatus.REJECTED: _l("Rejected"),
    CommentStatus.HIDDEN: _l("Hidden"),
    CommentStatus.EXPIRED: _l("Expired"),
}
#: the decisions about reported (approved) comments
REPORT_ACTIONS = (ModerationAction.HIDE, ModerationAction.DISMISS_REPORTS)
#: the bulk form decides these only
BULK_ACTIONS = (ModerationAction.APPROVE, ModerationAction.REJECT)
AUDIT_PAGE = 100


class AuditArgs(Schema):
    """The audit trail's query: ``before``, the id the page starts below (a ValidationError is 422)."""

    class Meta:
        unknown = EXCLUDE

    before = Id(strict=False, load_default=None)


def waited(item):
    """How long a queue item has waited, in words of the user's language ("3 days")."""
    return format_timedelta(item.waited, granularity="minute", threshold=1)


def _labels():
    """What the templates call the model's values."""
    return {"action": ACTION_LABELS, "status": STATUS_LABELS, "report": REASON_LABELS,
            "personal_data": describe, "waited": waited}


def _queue_page(name, status=200, errors=None, values=None):
    """The queue page of tab ``name`` from the ``after`` cursor in the query string."""
    counts = queue.counts()  # once: the tabs and the page's total share it
    try:
        result = queue.page_of(name, after=request.args.get("after"),
                               limit=request.args.get("limit", type=int), total=counts[name])
    except queue.BadCursor:
        abort(400)
    return page("feedback/staff/queue.html", status, tab=name, result=result,
                counts=counts, errors=errors or {}, values=values or {},
                labels=_labels(), overdue_days=queue.overdue_days())


@moderator
def moderation_queue():
    """The queue of one tab (``?queue=pending|reported``), oldest first, a page at a time."""
    name = request.args.get("queue", queue.PENDING)
    if name not in queue.QUEUES:
        abort(404)
    return _queue_page(name)


def _comment_page(comment, status=200, errors=None, values=None):
    """A comment with its reports and audit history, and the decisions it allows."""
    return page("feedback/staff/comment.html", status, comment=comment,
                reports=queue.all_reports_of(comment.id),
                open_reports=moderation.open_reports(comment.id),
                history=moderation.history(comment.id), errors=errors or {},
                values=values or {}, labels=_labels())


@moderator
def show_comment(comment_id):
    """A comment's detail page: text, author, reports, decisions so far."""
    return _comment_page(db.session.get(Comment, comment_id) or abort(404))


def _action(value):
    """The posted action, or None."""
    try:
        return ModerationAction(value)
    except ValueError:
        return None


def _error_status(exc, bulk=False):
    """The HTTP status of a refused decision (an unknown comment ticked in bulk is bad input)."""
    if isinstance(exc, moderation.UnknownComment):
        return 422 if bulk else 404
    return 409 if isinstance(exc, moderation.NotAllowed) else 422


def _back(default_queue):
    """Where to go after a decision: the tab it was made from."""
    name = request.form.get("queue")
    if name == "detail":
        return None
    return redirect(url_for(".moderation_queue", queue=name if name in queue.QUEUES else default_queue))


@moderator
def decide_comment(comment_id):
    """One decision on one comment: ``action`` and, to reject or hide, ``reason``."""
    comment = db.session.get(Comment, comment_id) or abort(404)
    action = _action(request.form.get("action"))
    values = {"action": request.form.get("action", ""), "reason": request.form.get("reason", "")}
    if action is None:
        return _comment_page(comment, 422, {"action": [_("Choose what to do.")]}, values)
    try:
        moderation.decide(comment.id, action, current_staff(), request.form.get("reason"))
    except moderation.ModerationError as exc:
        db.session.rollback()
        comment = db.session.get(Comment, comment_id, populate_existing=True)
        field = "reason" if isinstance(exc, moderation.ReasonRequired) else "action"
        return _comment_page(comment, _error_status(exc), {field: [str(exc.message)]}, values)
    db.session.commit()
    flash(_("%(decision)s: the comment by %(name)s.", decision=ACTION_LABELS[action],
            name=comment.author_name), "success")
    default = queue.REPORTED if action in REPORT_ACTIONS else queue.PENDING
    return _back(default) or redirect(url_for(".show_comment", comment_id=comment.id))


def _posted_ids():
    """The ticked comment ids, or None when one is not an id."""
    try:
        return fields.List(Id(strict=False)).deserialize(request.form.getlist("comment_id"))
    except ValidationError:
        return None


@moderator
def decide_bulk():
    """Approve or reject (with one reason) every ticked pending comment, or none of them."""
    action, ids = _action(request.form.get("action")), _posted_ids()
    values = {"reason": request.form.get("reason", ""), "comment_id": request.form.getlist("comment_id")}
    if action not in BULK_ACTIONS:
        return _queue_page(queue.PENDING, 422, {"bulk-action": [_("Choose what to do.")]}, values)
    if not ids:
        return _queue_page(queue.PENDING, 422,
                           {"bulk-comments": [_("Tick at least one comment.")]}, values)
    try:
        decisions = moderation.decide_many(ids, action, current_staff(), request.form.get("reason"))
    except moderation.ModerationError as exc:
        db.session.rollback()
        field = "bulk-reason" if isinstance(exc, moderation.ReasonRequired) else "bulk-comments"
        return _queue_page(queue.PENDING, _error_status(exc, bulk=True), {field: [str(exc.message)]},
                           values)
    db.session.commit()
    flash(ngettext("%(decision)s: %(num)d comment.", "%(decision)s: %(num)d comments.",
                   len(decisions), decision=ACTION_LABELS[action]), "success")
    return redirect(url_for(".moderation_queue", queue=queue.PENDING))


@admin
def audit_trail():
    """Every moderation decision, newest first, a page at a time (``?before=<id>``)."""
    before = AuditArgs().load(request.args)["before"]
    query = sa.select(ModerationDecision).order_by(ModerationDecision.id.desc()).limit(AUDIT_PAGE + 1)
    if before:
        query = query.where(ModerationDecision.id < before)
    rows = db.session.scalars(query).all()
    more = len(rows) > AUDIT_PAGE
    rows = rows[:AUDIT_PAGE]
    return page("feedback/staff/audit.html", decisions=rows, labels=_labels(),
                next_before=rows[-1].id if more else None)
