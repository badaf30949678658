"""The working group's composition: its spread over industries, company sizes and regions.

The forum's policy asks for a group that reflects the providers; each industry, size class or
region named in settings (``MEMO_INDUSTRIES``, ``MEMO_REGIONS``, and every :class:`CompanySize`)
with no active member is a gap the admin is warned of. Read-only.
"""

from collections import Counter

from flask import current_app

from services.memo import group
from services.memo.models import CompanySize

DIMENSIONS = ("industry", "company_size", "region")


def expected():
    """{dimension: the codes the group should cover} from settings."""
    return {"industry": tuple(current_app.config["MEMO_INDUSTRIES"]),
            "company_size": tuple(size.value for size in CompanySize),
            "region": tuple(current_app.config["MEMO_REGIONS"])}


def spread(members):
    """{dimension: [(code, count)]}: the expected codes first (zeros too), then any others."""
    wanted = expected()
    result = {}
    for dimension in DIMENSIONS:
        counts = Counter(str(getattr(member, dimension)) for member in members)
        others = sorted(code for code in counts if code not in wanted[dimension])
        result[dimension] = [(code, counts.get(code, 0)) for code in (*wanted[dimension], *others)]
    return result


def gaps(members):
    """{dimension: [code]} of the expected codes that no member covers."""
    return {dimension: [code for code, count in rows if count == 0 and code in expected()[dimension]]
            for dimension, rows in spread(members).items()}


def of_term(term):
    """(spread, gaps) of the term's active members."""
    members = group.active_members(term)
    return spread(members), gaps(members)
