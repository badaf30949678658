"""The secretary's follow-up pages: per agenda item, the body that handles the matter, when,
the outcome and the link to the decision, with each follow-up's log of updates.

Follow-ups change without a new review, also after publication (:mod:`followups` logs each
change). Bad input is shown next to its field with 422 and changes nothing.
"""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from services.memo import followups, queries
from services.memo.errors import MemoError
from services.memo.models import FollowUp, Memo, db
from services.memo.schemas import FollowUpInput
from services.memo.staff_common import form_errors, memo_or_404, page, secretary
from shared.auth import current_staff


def _page(memo, status=200, errors=None, values=None):
    """The memo's follow-ups in agenda order, with errors and posted values of one of them."""
    return page("memo/staff/follow_ups.html", status, memo=memo,
                follow_ups=queries.follow_ups(memo), errors=errors or {}, values=values or {})


@secretary
def list_follow_ups(memo_id):
    """Every agenda item's follow-up with its form and its log."""
    return _page(memo_or_404(memo_id))


def _input(form):
    """The form as FollowUpInput loads it: a blank date is none, a blank link is no link."""
    data = {name: form.get(name, "") for name in ("handling_body", "outcome")}
    data["handled_on"] = form.get("handled_on", "").strip() or None
    if form.get("decision_url", "").strip():
        data["decision_url"] = form["decision_url"].strip()
    return data


@secretary
def update_follow_up(follow_up_id):
    """Save one follow-up's fields; the change is logged (and shown on the public memo)."""
    follow_up = db.session.get(FollowUp, follow_up_id) or abort(404)
    memo = db.session.get(Memo, follow_up.memo_id)
    prefix = f"fu{follow_up.id}-"
    values = {prefix + name: request.form.get(name, "") for name in followups.FIELDS}
    try:
        data = FollowUpInput().load(_input(request.form))
        data.setdefault("decision_url", "")
        entry = followups.update(follow_up, data, current_staff())
    except ValidationError as exc:
        return _page(memo, 422, form_errors(exc.messages, prefix), values)
    except MemoError as exc:
        db.session.rollback()
        return _page(memo, exc.status, {prefix + "handling_body": [str(exc.message)]}, values)
    db.session.commit()
    flash(_("The follow-up of “%(title)s” was saved.", title=follow_up.agenda_item.title)
          if entry else _("Nothing changed."), "success")
    return redirect(url_for(".list_follow_ups", memo_id=memo.id, _anchor=f"fu-{follow_up.id}"))
