"""The compliance dashboard's staff pages: the table, and its CSV and XLSX for annual reporting.

Every staff role may look (admins pass); a staff member without a role gets 403 and a visitor
the login page. ``?series=<slug>&year=<yyyy>`` filters; a bad filter answers 422 with the error
next to its field (the page) or as JSON errors (the exports), and shows nothing else.
The exports have one row per forum: for each rule its state in words and its evidence.
"""

from flask import Blueprint, Response, abort, request
from flask_babel import gettext as _
from marshmallow import ValidationError

from services.registration.cycle import clock, compliance
from services.registration.cycle.schemas_compliance import ComplianceQuery
from services.registration.forms import LABELS, form_errors
from services.registration.public import page
from shared.auth import Role, login_required
from shared.spreadsheets import CSV_TYPE, XLSX_TYPE, csv_text, xlsx_bytes

bp = Blueprint("registration_compliance", __name__)
staff = login_required(*Role)
FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}


def register(app):
    """Attach the dashboard's pages under /staff."""
    app.register_blueprint(bp, url_prefix="/staff")


def _filter():
    """The request's filter loaded: {"series": Series|None, "year": int|None}."""
    return ComplianceQuery().load(request.args)


def _dashboard(query):
    """The dashboard of a loaded filter."""
    series = query["series"]
    return compliance.dashboard(series.id if series else None, query["year"])


def _page(board, errors=None, status=200):
    """The dashboard page (``board`` None when the filter was refused)."""
    options = [(s.slug, s.name) for s in compliance.all_series()]
    return page("registration/cycle/compliance.html", status, board=board, rules=compliance.RULES,
                errors=errors or {}, values=request.args, series_options=options,
                when_text=compliance.when_text)


@bp.route("/compliance")
@staff
def show_compliance():
    """The table: a row per forum, a column per rule; and the forums a year per series."""
    try:
        query = _filter()
    except ValidationError as err:
        return _page(None, form_errors(err.messages), 422)
    return _page(_dashboard(query))


def evidence_text(check):
    """A check's evidence in one cell: what, when, who; separated by semicolons."""
    parts = []
    for item in check.evidence:
        when = compliance.when_text(item.when)
        parts.append(" ".join(x for x in (item.what, when, f"({item.who})" if item.who else "") if x))
    return "; ".join(parts)


def _header():
    """The column titles: the forum, then two per rule (its state, its evidence)."""
    rules = [*map(str, compliance.RULES.values()), str(compliance.YEAR_RULE)]
    return [_("Forum"), _("Series"), _("Starts"), _("Status"),
            *[cell for rule in rules for cell in (rule, _("%(rule)s: evidence", rule=rule))]]


def _rows(board):
    """One row per forum; its series' year check in the last two columns."""
    years = {(row.series.id if row.series else None, row.year): row.check for row in board.years}
    for row in board.forums:
        event = row.event
        checks = [*row.checks, years[(event.series_id, clock.local_year(event.starts_at))]]
        yield [event.title, event.series.name if event.series else "",
               compliance.when_text(event.starts_at), compliance.tr(LABELS["status"][event.status]),
               *[cell for check in checks for cell in (check.text, evidence_text(check))]]


def _export(fmt):
    """The dashboard as ``fmt`` (csv or xlsx)."""
    query = _filter()  # a ValidationError is answered 422 with the field errors
    board = _dashboard(query)
    name = f"compliance-{query['year'] or 'all'}"
    if fmt == "csv":
        body = csv_text(_header(), _rows(board)).encode("utf-8")
    else:
        body = xlsx_bytes(_header(), _rows(board), _("Compliance"))
    return Response(body, mimetype=FORMATS[fmt].split(";")[0], headers={
        "Content-Type": FORMATS[fmt], "Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


@bp.route("/compliance.<fmt>")
@staff
def export_compliance(fmt):
    """The dashboard as CSV (Finnish Excel) or XLSX, one row per forum."""
    if fmt not in FORMATS:
        abort(404)
    return _export(fmt)
