"""The secretary's editor: the memo's Markdown with a live preview; every save is a new version.

Also the version list, one version's text, a readable diff between any two versions, and
restoring an earlier one (a new version with its text). Bad input (an empty or too long text)
is shown next to the textarea with 422 and saves nothing; a published memo refuses with 409.
The preview renders posted Markdown through the suite's sanitizing filter and stores nothing.
"""

from flask import abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from services.memo import versions
from services.memo.errors import MemoError
from services.memo.models import MemoState, db
from services.memo.schemas import BODY_MAX, VersionInput
from services.memo.staff_common import form_errors, memo_or_404, page, reader, secretary
from shared.auth import current_staff
from shared.web.text import markdown

FINAL = (MemoState.PUBLISHED, MemoState.CORRECTED)


def _editor(memo, status=200, errors=None, body=None):
    """The editor page with ``body`` (the newest version's text by default)."""
    return page("memo/staff/edit.html", status, memo=memo, errors=errors or {},
                values={"body": memo.latest.body if body is None else body},
                final=memo.state in FINAL, body_max=BODY_MAX)


@secretary
def edit_memo(memo_id):
    """The editor of the memo's newest version."""
    return _editor(memo_or_404(memo_id))


@secretary
def save_memo(memo_id):
    """Save the posted text as the memo's next version (unchanged text saves nothing)."""
    memo = memo_or_404(memo_id)
    posted = request.form.get("body", "")
    try:
        body = VersionInput().load({"body": posted})["body"]
        before = memo.latest.number
        if body == memo.latest.body.strip():  # the form strips what the draft ends with
            body = memo.latest.body
        saved = versions.save_version(memo, body, current_staff())
    except ValidationError as exc:
        return _editor(memo, 422, form_errors(exc.messages), posted)
    except MemoError as exc:
        db.session.rollback()
        return _editor(memo_or_404(memo_id), exc.status, {"body": [str(exc.message)]}, posted)
    db.session.commit()
    if saved.number == before:
        flash(_("The text did not change; no version was saved."), "success")
    else:
        flash(_("Version %(number)s was saved.", number=saved.number), "success")
    return redirect(url_for(".edit_memo", memo_id=memo.id))


@secretary
def preview_markdown():
    """The posted ``body`` rendered as the memo pages show it (sanitized HTML, nothing stored)."""
    body = request.form.get("body", "")
    if len(body) > BODY_MAX:
        abort(413)
    return str(markdown(body)), 200, {"Content-Type": "text/html; charset=utf-8"}


def _versions_page(memo, status=200, errors=None):
    """The version list, newest first, with any refusal of a restore."""
    newest = list(reversed(memo.versions))
    choices = [(v.number, _("Version %(number)s", number=v.number)) for v in newest]
    return page("memo/staff/versions.html", status, memo=memo, newest=newest, choices=choices,
                final=memo.state in FINAL, errors=errors or {})


@reader
def list_versions(memo_id):
    """Every saved version, newest first, with the form to compare two of them."""
    return _versions_page(memo_or_404(memo_id))


def _version(memo, number):
    """Version ``number`` of the memo, or 404."""
    try:
        return versions.version(memo, number)
    except MemoError:
        abort(404)


@reader
def show_version(memo_id, number):
    """One version's text, rendered."""
    memo = memo_or_404(memo_id)
    return page("memo/staff/version.html", memo=memo, version=_version(memo, number))


@reader
def diff_versions(memo_id):
    """``?old=`` compared with ``?new=`` (default: the previous and the newest version)."""
    memo = memo_or_404(memo_id)
    new = request.args.get("new", memo.latest.number, type=int)
    old = request.args.get("old", max(new - 1, 1), type=int)
    a, b = _version(memo, old), _version(memo, new)
    return page("memo/staff/diff.html", memo=memo, old=a, new=b,
                diff=versions.diff_html(a.body, b.body),
                changed=any(op != " " for op, _line in versions.diff_lines(a.body, b.body)))


@secretary
def restore_version(memo_id, number):
    """Make an earlier version's text the newest version."""
    memo = memo_or_404(memo_id)
    try:
        saved = versions.restore(memo, number, current_staff())
    except MemoError as exc:
        db.session.rollback()
        if exc.status == 404:
            abort(404)
        return _versions_page(memo_or_404(memo_id), exc.status, {"restore": [str(exc.message)]})
    db.session.commit()
    flash(_("Version %(old)s was restored as version %(new)s.", old=number, new=saved.number),
          "success")
    return redirect(url_for(".list_versions", memo_id=memo.id))
