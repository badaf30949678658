"""The forum cycle's pages and API, attached to the registration app.

Each part of the cycle (the annual clock, series, the compliance dashboard, the milestones API)
has its own blueprint module. :func:`register` attaches their page blueprints;
:func:`api_blueprints` lists their flask-smorest blueprints, which registration's API serves
with its own in one OpenAPI document.
"""

from services.registration.cycle import api as milestones_api
from services.registration.cycle import api_compliance, pages, staff_compliance, staff_statistics


def register(app):
    """Attach the cycle's page blueprints to the registration ``app``."""
    # each part adds its own line here, e.g.: from services.registration.cycle import X; X.register(app)
    pages.register(app)
    staff_compliance.register(app)
    staff_statistics.register(app)


def api_blueprints():
    """The cycle's flask-smorest blueprints (each part adds its own)."""
    return [milestones_api.blp, api_compliance.blp]
