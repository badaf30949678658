"""Versions of a memo's text: every save is a new version; compare any two; restore an old one.

Flush only. A saved version is never changed. Saving while a version is in review supersedes
that round (its approvals were given to another text) and returns the memo to draft.
"""

import difflib

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from services.memo import history
from services.memo.errors import MemoError, WrongState
from services.memo.models import MemoState, MemoVersion, ReviewRound, RoundOutcome, db
from shared.db import utcnow

PUBLISHED_IS_FINAL = _l("A published memo cannot be changed; start a correction instead.")
NO_SUCH_VERSION = _l("The memo has no such version.")
#: states a saved version returns to draft (their review no longer fits the text)
BACK_TO_DRAFT = (MemoState.IN_REVIEW, MemoState.CHANGES_REQUESTED, MemoState.APPROVED)


def open_round(memo):
    """The memo's open review round, or None."""
    return db.session.scalar(sa.select(ReviewRound).where(
        ReviewRound.memo_id == memo.id, ReviewRound.outcome == RoundOutcome.OPEN))


def version(memo, number):
    """Version ``number`` of the memo; raises MemoError (404) if there is none."""
    found = db.session.scalar(sa.select(MemoVersion).where(
        MemoVersion.memo_id == memo.id, MemoVersion.number == number))
    if found is None:
        error = MemoError(NO_SUCH_VERSION)
        error.status = 404
        raise error
    return found


def save_version(memo, body, actor, restored_from=None):
    """Save ``body`` as the memo's next version; returns it (the latest if the text is unchanged).

    Raises WrongState for a published memo. An open review round ends as superseded, and the
    memo goes back to draft: a new version needs a new round, and no approval carries over.
    """
    if memo.state in (MemoState.PUBLISHED, MemoState.CORRECTED):
        raise WrongState(PUBLISHED_IS_FINAL)
    latest = memo.latest
    if body == latest.body and restored_from is None:
        return latest
    new = MemoVersion(memo=memo, number=latest.number + 1, body=body, author_id=actor.id,
                      author_name=actor.name, restored_from=restored_from)
    db.session.add(new)
    current = open_round(memo)
    if current is not None:
        current.outcome, current.closed_at = RoundOutcome.SUPERSEDED, utcnow()
    to_state = MemoState.DRAFT if memo.state in BACK_TO_DRAFT else None
    action = "restored" if restored_from else "version_saved"
    history.record(memo, action, actor, to_state=to_state, version=new)
    return new


def restore(memo, number, actor):
    """Make the text of version ``number`` the newest version (a new version; none is lost)."""
    return save_version(memo, version(memo, number).body, actor, restored_from=number)


def diff_lines(old, new):
    """[(op, line)] turning ``old`` text into ``new``: op is " ", "-" or "+", line by line."""
    rows = []
    a, b = old.splitlines(), new.splitlines()
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [(" ", line) for line in a[i1:i2]]
            continue
        rows += [("-", line) for line in a[i1:i2]]
        rows += [("+", line) for line in b[j1:j2]]
    return rows


TAGS = {" ": "span", "-": "del", "+": "ins"}


def diff_html(old, new):
    """The line diff as HTML: removed lines in ``<del>``, added in ``<ins>``; text escaped."""
    rows = (f'<{TAGS[op]} class="diff-line">{escape(line)}</{TAGS[op]}>'
            for op, line in diff_lines(old, new))
    return Markup('<div class="diff">' + "\n".join(rows) + "</div>")  # noqa: S704 - each line escaped
