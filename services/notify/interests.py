"""The interests a subscriber picks and a campaign's segment is made of: codes and their labels.

Themes are the annual clock's recurring themes (the same codes registration uses for events);
industries and regions are the county's own lists. Codes are stored; labels are translated.
"""

from flask_babel import lazy_gettext as _l

from shared.vocabulary import INDUSTRIES, REGIONS

THEMES = {
    "budget": _l("Budget, procurement plan and service-voucher rules"),
    "strategy": _l("Strategy and futures work"),
    "wellbeing": _l("Wellbeing report and plan"),
}

#: the segment's dimensions, each a Subscriber column of codes
DIMENSIONS = {"industries": INDUSTRIES, "regions": REGIONS, "themes": THEMES}



def options(codes):
    """(code, translated label) pairs for a form's checkboxes."""
    return [(code, label) for code, label in codes.items()]


def matches(segment, subscriber):
    """Whether ``subscriber`` is in ``segment``: every dimension the segment names shares a code.

    An empty segment (or one naming no codes) is everyone.
    """
    for dimension in DIMENSIONS:
        wanted = set((segment or {}).get(dimension) or ())
        if wanted and not wanted & set(getattr(subscriber, dimension) or ()):
            return False
    return True
