"""The working group's pages: the review queue (where members land after login) and the
review page of a memo's open round.

The review page shows the version under review, its paragraphs numbered, and the diff against
the version the group reviewed before. A member approves, or requests changes with a comment
about one paragraph or the whole memo (:mod:`review`). A refused sign-off changes nothing and
is answered next to its field: 422 for a missing comment or an unknown paragraph, 403 for a
user who is not a member, 409 when the memo is no longer in review.
"""

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _

from services.memo import review, review_status, versions
from services.memo.errors import MemoError, NotAllowed
from services.memo.models import Decision, db
from services.memo.staff_common import memo_or_404, page, reviewer
from shared.auth import current_staff

#: the field a refused request for changes is answered next to, by its (lazy) message
FIELD_OF = ((review.COMMENT_REQUIRED, "changes-comment"),
            (review.NO_SUCH_PARAGRAPH, "changes-paragraph"))


@reviewer
def review_queue():
    """The memos in review for the current term that the member has not answered yet."""
    return page("memo/staff/reviews.html", waiting=review_status.queue_for(current_staff()))


def _review_page(memo, status=200, errors=None, values=None):
    """The open round's version, the diff against the previously reviewed one, the forms."""
    current = versions.open_round(memo)
    previous = review_status.previous_reviewed(current) if current else None
    diff = versions.diff_html(previous.body, current.version.body) if previous else None
    member = review_status.member_of(current, current_staff()) if current else None
    mine = next((s for s in current.sign_offs if s.member_id == member.id), None) \
        if member else None
    paragraphs = current.version.paragraphs if current else []
    options = [(str(n), _("Paragraph %(number)s", number=n)) for n in range(1, len(paragraphs) + 1)]
    return page("memo/staff/review.html", status, memo=memo, round=current, previous=previous,
                diff=diff, member=member, mine=mine, paragraph_options=options,
                errors=errors or {}, values=values or {})


@reviewer
def show_review(memo_id):
    """The review page of the memo's open round (or a note that none is open)."""
    return _review_page(memo_or_404(memo_id))


def _decision(value):
    """The posted decision, or None."""
    try:
        return Decision(value)
    except ValueError:
        return None


def _paragraph(value):
    """The posted paragraph number, None for the whole memo; raises ValueError if not a number."""
    return int(value) if value else None


def _run(memo_id, decision, paragraph):
    """Record the user's sign-off: an approval, or a request for changes from the form."""
    user, comment = current_staff(), request.form.get("comment", "")
    if decision == Decision.APPROVE:
        return review.approve(memo_id, user, comment.strip())
    return review.request_changes(memo_id, user, comment, paragraph)


def _refusal(exc):
    """(status, {field: [message]}) of a refused sign-off."""
    if isinstance(exc, NotAllowed):
        return 403, {"signoff": [str(exc.message)]}
    for message, field in FIELD_OF:
        if exc.message is message:
            return 422, {field: [str(message)]}
    return exc.status, {"signoff": [str(exc.message)]}


@reviewer
def sign_off(memo_id):
    """Approve the version in review, or request changes about a paragraph or the whole."""
    memo = memo_or_404(memo_id)
    values = request.form.to_dict()
    decision = _decision(values.get("decision", ""))
    if decision is None:
        return _review_page(memo, 422, {"signoff": [_("Choose what to do.")]}, values)
    try:
        paragraph = _paragraph(values.get("paragraph", ""))
    except ValueError:
        return _review_page(memo, 422, {"changes-paragraph": [_("Choose a paragraph.")]}, values)
    try:
        sign = _run(memo.id, decision, paragraph)
    except MemoError as exc:
        db.session.rollback()
        status, errors = _refusal(exc)
        return _review_page(memo_or_404(memo_id), status, errors, values)
    db.session.commit()
    flash(_("You approved the memo.") if sign.decision == Decision.APPROVE
          else _("You asked for changes."), "success")
    return redirect(url_for(".review_queue"))
