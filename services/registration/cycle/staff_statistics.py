"""The participation statistics' staff pages: of the forums of a series and a year, and of one
forum. Each figure is a server-drawn SVG bar chart with the same figures in a table beside it;
when feedback does not answer, the page still answers and says the comment figures are missing.

Every staff role may look (admins pass). ``?series=<slug>&year=<yyyy>`` filters as on the
compliance dashboard; a bad filter answers 422 with the error next to its field.
"""

from flask import Blueprint, request
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from services.registration.cycle import compliance, statistics
from services.registration.cycle.charts import bar_chart
from services.registration.cycle.schemas_compliance import ComplianceQuery
from services.registration.forms import form_errors
from services.registration.models import Event
from services.registration.public import page
from services.registration.staff_common import get_or_404
from shared.auth import Role, login_required

bp = Blueprint("registration_statistics", __name__)
staff = login_required(*Role)
TEMPLATE = "registration/cycle/statistics.html"
REGISTRATIONS = _l("Registrations by attendance mode and status")
ATTENDANCE = _l("Confirmed registrations and check-ins")
MUNICIPALITIES = _l("Organisations registered, by municipality")
PER_FORUM = _l("Registrations per forum")
#: the organisation profile's charts: {field: (chart id, title)}
PROFILE_CHARTS = {
    "industry": ("chart-industries", _l("Organisations registered, by industry")),
    "organisation_size": ("chart-sizes", _l("Organisations registered, by size")),
    "region": ("chart-regions", _l("Organisations registered, by area of the county")),
}
COMMENTS = _l("Comments by status")
ORGANISATIONS = _l("Organisations")
REGISTRATIONS_UNIT = _l("Registrations")
COMMENTS_UNIT = _l("Comments")


def register(app):
    """Attach the statistics pages under /staff."""
    app.register_blueprint(bp, url_prefix="/staff")


def charts(figures, per_forum=True):
    """The page's charts of ``figures``."""
    found = [bar_chart("chart-registrations", REGISTRATIONS, figures.registrations,
                       REGISTRATIONS_UNIT),
             bar_chart("chart-attendance", ATTENDANCE, figures.attendance, REGISTRATIONS_UNIT),
             bar_chart("chart-municipalities", MUNICIPALITIES, figures.municipalities,
                       ORGANISATIONS),
             *(bar_chart(chart_id, title, figures.profile[name], ORGANISATIONS)
               for name, (chart_id, title) in PROFILE_CHARTS.items())]
    if figures.comments is not None:
        found.append(bar_chart("chart-comments", COMMENTS, figures.comments, COMMENTS_UNIT))
    if per_forum:
        found.append(bar_chart("chart-forums", PER_FORUM,
                               [(event.title, n) for event, n in figures.per_forum],
                               REGISTRATIONS_UNIT))
    return found


def _options():
    """The series filter's (slug, name) options."""
    return [(s.slug, s.name) for s in compliance.all_series()]


@bp.route("/statistics")
@staff
def show_statistics():
    """The figures of the published and held forums of the filter."""
    try:
        query = ComplianceQuery().load(request.args)
    except ValidationError as err:
        return page(TEMPLATE, 422, event=None, charts=[], errors=form_errors(err.messages),
                    values=request.args, series_options=_options(), comments_missing=False)
    series = query["series"]
    figures = statistics.of_forums(series.id if series else None, query["year"])
    return page(TEMPLATE, event=None, charts=charts(figures), errors={}, values=request.args,
                series_options=_options(), comments_missing=figures.comments is None)


@bp.route("/events/<int:event_id>/statistics")
@staff
def show_event_statistics(event_id):
    """The figures of one event."""
    event = get_or_404(Event, event_id)
    figures = statistics.of_event(event)
    return page(TEMPLATE, event=event, charts=charts(figures, False), errors={}, values={},
                series_options=[], comments_missing=figures.comments is None)
