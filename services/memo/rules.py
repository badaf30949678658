"""The working group's approval rule, from settings (``MEMO_APPROVAL_RULE``, ``_COUNT``).

* ``majority`` (the default): more than half of the term's members approve;
* ``all``: every member approves;
* ``count``: ``MEMO_APPROVAL_COUNT`` members approve (never more than there are members).

Under every rule an open request for changes in the round stops the approval.
"""

from flask import current_app

RULES = ("majority", "all", "count")


def required_approvals(member_count, rule=None, count=None):
    """How many approvals the rule asks of a group of ``member_count`` (at least one)."""
    rule = rule or current_app.config["MEMO_APPROVAL_RULE"]
    if rule == "majority":
        needed = member_count // 2 + 1
    elif rule == "all":
        needed = member_count
    elif rule == "count":
        needed = min(count or current_app.config["MEMO_APPROVAL_COUNT"], member_count)
    else:
        raise ValueError(f"MEMO_APPROVAL_RULE must be one of {', '.join(RULES)}, not {rule!r}")
    return max(needed, 1)


def is_met(approvals, changes_requested, member_count):
    """Whether a round with these sign-offs approves its version."""
    return changes_requested == 0 and approvals >= required_approvals(member_count)
