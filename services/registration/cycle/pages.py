"""The URL table of the cycle's series and annual clock pages: the admins' series and year plan
editors under /staff, and the public annual clock with its .ics feed."""

from flask import Blueprint

from services.registration.cycle import public_clock, series, staff_clock, staff_series

staff_bp = Blueprint("registration_cycle_staff", __name__)
staff_bp.add_url_rule("/series", view_func=staff_series.list_series)
staff_bp.add_url_rule("/series/new", methods=["GET", "POST"], view_func=staff_series.create_series)
staff_bp.add_url_rule("/series/<int:series_id>/edit", methods=["GET", "POST"],
                      view_func=staff_series.edit_series)
staff_bp.add_url_rule("/clock", view_func=staff_clock.clock_index)
staff_bp.add_url_rule("/clock/plans", methods=["POST"], view_func=staff_clock.create_plan)
staff_bp.add_url_rule("/clock/<int:series_id>/<int:year>", view_func=staff_clock.show_plan)
staff_bp.add_url_rule("/clock/plans/<int:plan_id>/themes", methods=["POST"],
                      view_func=staff_clock.add_theme)
staff_bp.add_url_rule("/clock/plans/<int:plan_id>/meetings", methods=["POST"],
                      view_func=staff_clock.add_meeting)
staff_bp.add_url_rule("/clock/plans/<int:plan_id>/slots", methods=["POST"],
                      view_func=staff_clock.add_slot)
staff_bp.add_url_rule("/clock/themes/<int:theme_id>/delete", methods=["POST"],
                      view_func=staff_clock.delete_theme)
staff_bp.add_url_rule("/clock/meetings/<int:meeting_id>/delete", methods=["POST"],
                      view_func=staff_clock.delete_meeting)
staff_bp.add_url_rule("/clock/slots/<int:slot_id>/delete", methods=["POST"],
                      view_func=staff_clock.delete_slot)
#: a second submit finds the forum the first created
staff_bp.add_url_rule("/clock/slots/<int:slot_id>/forum", methods=["POST"],
                      view_func=staff_clock.create_forum)

public_bp = Blueprint("registration_cycle_public", __name__)
public_bp.add_url_rule("/clock", view_func=public_clock.current_clock)
public_bp.add_url_rule("/clock/<slug>/<int:year>", view_func=public_clock.show_clock)
public_bp.add_url_rule("/clock/<slug>/<int:year>.ics", view_func=public_clock.clock_ics)


def register(app):
    """Attach the pages, and the series select the event editor shows (``series_options``)."""
    app.register_blueprint(staff_bp, url_prefix="/staff")
    app.register_blueprint(public_bp)
    app.jinja_env.globals["series_options"] = series.options
