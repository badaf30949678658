"""The chair's and the secretary's names on a memo's header.

The names are stored on the memo and written into the header lines of the newest text, as a new
version (the header is part of the text the working group reviews). Flush only.
"""

from services.memo import composing, versions
from services.memo.errors import WrongState
from services.memo.models import MemoState


def set_names(memo, chair_name, secretary_name, actor):
    """Name the chair and the secretary; returns the newest version (a new one if the text changed).

    Raises WrongState for a published memo (a correction changes it). A header line the
    secretary has rewritten by hand is left as it is; the names are stored all the same.
    """
    if memo.state in (MemoState.PUBLISHED, MemoState.CORRECTED):
        raise WrongState(versions.PUBLISHED_IS_FINAL)
    before = composing.name_lines(memo)
    memo.chair_name, memo.secretary_name = chair_name, secretary_name
    body = memo.latest.body
    for old, new in zip(before, composing.name_lines(memo), strict=True):
        body = body.replace(old, new, 1)
    return versions.save_version(memo, body, actor)
