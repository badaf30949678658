"""What the memo's staff pages call stored values, in the user's language.

Industry and region codes come from settings (``MEMO_INDUSTRIES``, ``MEMO_REGIONS``); a code
without a label here is shown as it is stored.
"""

from flask_babel import lazy_gettext as _l

from services.memo.models import CompanySize, Decision, MemoState, RecipientKind, RoundOutcome
from shared.vocabulary import INDUSTRIES, REGIONS

SIZES = {
    CompanySize.MICRO: _l("Micro company"),
    CompanySize.SMALL: _l("Small company"),
    CompanySize.MEDIUM: _l("Medium-sized company"),
    CompanySize.LARGE: _l("Large company"),
}
STATES = {
    MemoState.DRAFT: _l("Draft"),
    MemoState.IN_REVIEW: _l("In review"),
    MemoState.CHANGES_REQUESTED: _l("Changes requested"),
    MemoState.APPROVED: _l("Approved"),
    MemoState.PUBLISHED: _l("Published"),
    MemoState.CORRECTED: _l("Published as corrected"),
}
OUTCOMES = {
    RoundOutcome.OPEN: _l("Open"),
    RoundOutcome.APPROVED: _l("Approved"),
    RoundOutcome.CHANGES_REQUESTED: _l("Changes requested"),
    RoundOutcome.SUPERSEDED: _l("Superseded by a newer version"),
}
DECISIONS = {
    Decision.APPROVE: _l("Approved"),
    Decision.REQUEST_CHANGES: _l("Requested changes"),
    None: _l("Not answered yet"),
}
RECIPIENT_KINDS = {
    RecipientKind.BOARD: _l("Board"),
    RecipientKind.REGIONAL_GOVERNMENT: _l("Regional government"),
    RecipientKind.OTHER: _l("Other"),
    RecipientKind.PRESENTER: _l("Presenter"),
}
ACTIONS = {
    "drafted": _l("Drafted"),
    "version_saved": _l("Version saved"),
    "restored": _l("Earlier version restored"),
    "in_review": _l("Submitted for review"),
    "changes_requested": _l("Changes requested"),
    "approved": _l("Approved"),
    "published": _l("Published"),
    "correction_started": _l("Correction started"),
    "corrected": _l("Published as corrected"),
    "delivered": _l("Delivery reported"),
    "follow_up_updated": _l("Follow-up updated"),
}


def name_of(labels, code):
    """The label of ``code`` in ``labels``, or the code itself."""
    return labels.get(code, code)


def all_labels():
    """Every label table, as the templates get them."""
    return {"industry": INDUSTRIES, "region": REGIONS, "size": SIZES, "state": STATES,
            "outcome": OUTCOMES, "decision": DECISIONS, "kind": RECIPIENT_KINDS,
            "action": ACTIONS, "name_of": name_of}
