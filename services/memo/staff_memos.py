"""The secretary's memo pages: the list per forum, starting a draft, a memo's overview,
submitting it for review, publishing it and starting a correction of a published one.

Views call the operations (:mod:`drafting`, :mod:`review`, :mod:`publishing`), commit and
redirect; a refused operation changes nothing and answers with its reason on the page (409, or
502 when feedback's API did not answer).
"""

import sqlalchemy as sa
from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from services.memo import drafting, links, names, publishing, queries, review, review_status, rules
from services.memo.errors import MemoError
from services.memo.models import Delivery, Forum, Memo, MemoState, db
from services.memo.schemas import NamesInput
from services.memo.staff_common import form_errors, memo_or_404, page, reader, secretary
from shared.auth import current_staff
from shared.db import utcnow
from shared.web.fields import Id


def _forums():
    """[(forum, its memo or None, its newest round or None)], the latest forum first."""
    forums = db.session.scalars(sa.select(Forum).order_by(Forum.starts_at.desc())).all()
    memos = {m.forum_id: m for m in db.session.scalars(sa.select(Memo))}
    return [(f, memos.get(f.id), review_status.latest_round(memos[f.id]) if f.id in memos else None)
            for f in forums]


def _list_page(status=200, errors=None, values=None):
    """The memo list with any refusal next to its forum's button (or the forum number field)."""
    return page("memo/staff/memos.html", status, forums=_forums(), now=utcnow(),
                errors=errors or {}, values=values or {})


@reader
def list_memos():
    """Every forum memo knows, with its memo's state, version and round, or a draft button."""
    return _list_page()


def _draft(forum_id, field, values=None):
    """Draft the forum's memo by hand; a refusal is shown next to ``field``."""
    try:
        memo = drafting.draft_by_hand(forum_id, current_staff())
    except MemoError as exc:
        db.session.rollback()
        return _list_page(exc.status, {field: [str(exc.message)]}, values)
    db.session.commit()
    flash(_("The memo was drafted."), "success")
    return redirect(url_for(".show_memo", memo_id=memo.id))


@secretary
def start_draft(forum_id):
    """Start the memo of a held forum on the list by hand, from feedback's approved comments."""
    return _draft(forum_id, f"forum-{forum_id}")


@secretary
def start_draft_by_number():
    """Start the memo of a held forum given by its number (one memo has not heard of, too)."""
    values = {"forum_id": request.form.get("forum_id", "")}
    try:
        forum_id = Id(strict=False, required=True).deserialize(values["forum_id"].strip() or None)
    except ValidationError as exc:
        return _list_page(422, form_errors({"forum_id": exc.messages}), values)
    return _draft(forum_id, "forum_id", values)


def _round_facts(current):
    """What the overview shows of the newest round: who answered, the tally, approvals needed."""
    if current is None:
        return {"round": None, "answers": [], "tally": None, "required": None}
    tally = review.tally(current)
    return {"round": current, "answers": review_status.answers(current), "tally": tally,
            "required": rules.required_approvals(tally[2])}


def _memo_page(memo, status=200, errors=None, values=None):
    """A memo's overview: state, the newest version, who has answered, what can be done."""
    current = review_status.latest_round(memo)
    deliveries = db.session.scalars(sa.select(Delivery).where(Delivery.memo_id == memo.id)
                                    .order_by(Delivery.publication_id, Delivery.id)).all()
    fresh = current is None or current.version_id != memo.latest.id
    approved = memo.state == MemoState.APPROVED and publishing.approved_round(memo) is not None
    return page("memo/staff/memo.html", status, memo=memo, **_round_facts(current),
                can_publish=approved, can_submit=memo.state == MemoState.DRAFT and fresh,
                can_correct=memo.state in publishing.PUBLISHED_STATES,
                approvals=queries.approvals(memo.publication.version) if memo.publication else [],
                deliveries=deliveries, publication_url=links.publication_url, errors=errors or {},
                values=values or {"chair_name": memo.chair_name,
                                  "secretary_name": memo.secretary_name})


@reader
def show_memo(memo_id):
    """A memo's overview page."""
    return _memo_page(memo_or_404(memo_id))


def _act(memo, run, done):
    """Run a state change and commit; a refused one re-renders the overview with its reason."""
    try:
        run()
    except MemoError as exc:
        db.session.rollback()
        memo = db.session.get(Memo, memo.id, populate_existing=True)
        return _memo_page(memo, exc.status, {"action": [str(exc.message)]})
    db.session.commit()
    flash(done, "success")
    return redirect(url_for(".show_memo", memo_id=memo.id))


@secretary
def submit_memo(memo_id):
    """Send the newest version to the current term's working group."""
    memo = memo_or_404(memo_id)
    return _act(memo, lambda: review.submit_for_review(memo, current_staff()),
                _("The memo was sent to the working group for review."))


@secretary
def publish_memo(memo_id):
    """Publish the approved newest version; refused unless the working group approved it."""
    memo = memo_or_404(memo_id)
    return _act(memo, lambda: publishing.publish(memo.id, current_staff()),
                _("The memo was published."))


@secretary
def start_correction(memo_id):
    """Start a correction of the published memo: a new version with the published text, in the
    editor for the secretary to correct and submit through the same review."""
    memo = memo_or_404(memo_id)
    try:
        publishing.correct(memo.id, memo.latest.body, current_staff())
    except MemoError as exc:
        db.session.rollback()
        memo = db.session.get(Memo, memo.id, populate_existing=True)
        return _memo_page(memo, exc.status, {"action": [str(exc.message)]})
    db.session.commit()
    flash(_("A correction was started: correct the text, save it and submit it for review."),
          "success")
    return redirect(url_for(".edit_memo", memo_id=memo.id))


@secretary
def set_names(memo_id):
    """Name the chair and the secretary on the memo's header (a new version of the text)."""
    memo = memo_or_404(memo_id)
    values = {name: request.form.get(name, "") for name in ("chair_name", "secretary_name")}
    try:
        data = NamesInput().load(values)
    except ValidationError as exc:
        return _memo_page(memo, 422, form_errors(exc.messages), values)
    return _act(memo, lambda: names.set_names(memo, data["chair_name"], data["secretary_name"],
                                              current_staff()),
                _("The names were saved in the memo's header."))


@reader
def show_history(memo_id):
    """Every state change of the memo, with who and when."""
    return page("memo/staff/history.html", memo=memo_or_404(memo_id))
