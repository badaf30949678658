"""The county's own lists that several services name: providers' industries and size classes, and
the county's areas.

Codes are stored (a subscriber's interests in notify, a working-group member in memo); labels
are translated where they are shown. One list here, so the services cannot drift apart.
"""

from flask_babel import lazy_gettext as _l

#: the providers' industries: a newsletter segment's and the working group's composition
INDUSTRIES = {
    "elderly_care": _l("Elderly care and housing services"),
    "disability": _l("Disability services"),
    "child_family": _l("Child, youth and family services"),
    "mental_health": _l("Mental health and substance abuse services"),
    "health_care": _l("Health care and rehabilitation"),
    "home_care": _l("Home care and support services"),
    "other": _l("Other services"),
}

#: a provider organisation's size class, by the persons it employs (registration asks it; the
#: working group's composition uses the same classes)
SIZES = {
    "micro": _l("Micro (fewer than 10 persons)"),
    "small": _l("Small (10–49 persons)"),
    "medium": _l("Medium-sized (50–249 persons)"),
    "large": _l("Large (250 persons or more)"),
}

#: the county's areas
REGIONS = {
    "north": _l("Northern area"),
    "south": _l("Southern area"),
    "east": _l("Eastern area"),
    "west": _l("Western area"),
    "centre": _l("Central area"),
}
