"""The compliance dashboard in the staff JSON API: ``GET /api/v1/staff/compliance``.

The same checks as the staff page (:mod:`.compliance`), for every staff role (admins pass);
``?series=<slug>&year=<yyyy>`` filters, and a bad filter answers 422 with its field errors in
the request's language.
"""

from flask import jsonify
from flask_smorest import Blueprint

from services.registration.cycle import compliance
from services.registration.cycle.schemas_compliance import ComplianceQuery, DashboardSchema
from services.registration.schemas import ErrorSchema
from shared.auth import Role, login_required

blp = Blueprint("registration_compliance_api", __name__, url_prefix="/api/v1/staff",
                description="The compliance dashboard: each forum against the policy's rules.")
staff = login_required(*Role)


@blp.route("/compliance")
@staff
@blp.arguments(ComplianceQuery, location="query", as_kwargs=True)
@blp.response(200, DashboardSchema)
@blp.alt_response(401, schema=ErrorSchema, description="Not logged in")
@blp.alt_response(403, schema=ErrorSchema, description="No staff role")
def show_compliance(series=None, year=None):
    """Every published, held and cancelled forum with its checks, and each series' years."""
    board = compliance.dashboard(series.id if series else None, year)
    return jsonify(DashboardSchema().dump(board))
