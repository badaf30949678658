"""The registration service's URL table: public pages, staff pages and the JSON API.

The registration form and the pages of a manage link are never stored by a cache (``no_store``);
staff pages never are either (:mod:`shared.web.security`).
"""

from flask import Blueprint

from services.registration import (
    api,
    public,
    staff,
    staff_agenda,
    staff_attendees,
    staff_captions,
    staff_changes,
)
from services.registration.cycle import blueprint as cycle_blueprint
from services.registration.limits import limiter
from shared.web.input_guards import body_limit
from shared.web.ratelimit import public_form_limits
from shared.web.security import no_store

bp = Blueprint("registration_public", __name__, template_folder="templates")
bp.add_url_rule("/", view_func=public.list_events)
bp.add_url_rule("/events/<int:event_id>", view_func=public.show_event)
bp.add_url_rule("/events/<int:event_id>.ics", view_func=public.event_ics)
#: the form carries the session's CSRF token (and a targeted session's invitation token)
bp.add_url_rule("/events/<int:event_id>/register", methods=["GET", "POST"],
                view_func=no_store(public_form_limits(limiter)(public.register)))
bp.add_url_rule("/manage/<token>", view_func=no_store(public.manage))
bp.add_url_rule("/manage/<token>/mode", methods=["POST"],
                view_func=no_store(public_form_limits(limiter)(public.change_mode)))
bp.add_url_rule("/manage/<token>/cancel", methods=["GET", "POST"],
                view_func=no_store(public_form_limits(limiter)(public.cancel)))
bp.add_url_rule("/materials/<int:material_id>", view_func=public.download_material)
#: the recording's WebVTT captions, while the recording is shown (410 after)
bp.add_url_rule("/events/<int:event_id>/captions.vtt", view_func=public.event_captions)

staff_bp = Blueprint("registration_staff", __name__, template_folder="templates")
staff_bp.add_url_rule("/events", view_func=staff.list_events)
staff_bp.add_url_rule("/events/new", methods=["GET", "POST"], view_func=staff.create_event)
staff_bp.add_url_rule("/events/<int:event_id>", view_func=staff.show_event)
staff_bp.add_url_rule("/events/<int:event_id>/edit", methods=["GET", "POST"],
                      view_func=staff_changes.edit_event)
staff_bp.add_url_rule("/events/<int:event_id>/agenda", methods=["POST"],
                      view_func=staff_agenda.add_agenda_item)
staff_bp.add_url_rule("/agenda/<int:item_id>/edit", methods=["GET", "POST"],
                      view_func=staff_agenda.edit_agenda_item)
staff_bp.add_url_rule("/agenda/<int:item_id>/delete", methods=["POST"],
                      view_func=staff_agenda.delete_agenda_item)
#: the one route that takes a file: up to MAX_CONTENT_LENGTH, where others take FORM_MAX_BYTES
staff_bp.add_url_rule("/agenda/<int:item_id>/materials", methods=["POST"],
                      view_func=body_limit("MAX_CONTENT_LENGTH")(staff_agenda.upload_material))
staff_bp.add_url_rule("/materials/<int:material_id>/delete", methods=["POST"],
                      view_func=staff_agenda.delete_material)
staff_bp.add_url_rule("/events/<int:event_id>/questions", methods=["POST"],
                      view_func=staff_agenda.add_question)
staff_bp.add_url_rule("/questions/<int:question_id>/delete", methods=["POST"],
                      view_func=staff_agenda.delete_question)
staff_bp.add_url_rule("/events/<int:event_id>/publish", methods=["GET", "POST"],
                      view_func=staff.publish_event)
#: GET is the confirmation page (asks the reason); POST cancels and tells everyone
staff_bp.add_url_rule("/events/<int:event_id>/cancel", methods=["GET", "POST"],
                      view_func=staff_changes.cancel_event)
staff_bp.add_url_rule("/events/<int:event_id>/late-agenda", methods=["POST"],
                      view_func=staff_changes.allow_late_agenda)
staff_bp.add_url_rule("/events/<int:event_id>/recording", methods=["POST"],
                      view_func=staff.set_recording)
#: a caption file, up to MAX_CONTENT_LENGTH (the file itself is capped by CAPTION_MAX_BYTES)
staff_bp.add_url_rule("/events/<int:event_id>/captions", methods=["POST"],
                      view_func=body_limit("MAX_CONTENT_LENGTH")(staff_captions.upload_captions))
staff_bp.add_url_rule("/events/<int:event_id>/invitations", methods=["POST"],
                      view_func=staff_attendees.invite)
staff_bp.add_url_rule("/events/<int:event_id>/registrations", view_func=staff_attendees.list_registrations)
staff_bp.add_url_rule("/events/<int:event_id>/registrations.csv",
                      view_func=staff_attendees.export_registrations)
staff_bp.add_url_rule("/events/<int:event_id>/checkin", view_func=staff_attendees.checkin_page)
staff_bp.add_url_rule("/registrations/<int:registration_id>/checkin", methods=["POST"],
                      view_func=staff_attendees.check_in)


def register_blueprints(app):
    """Attach the public pages at /, staff pages at /staff and the API at /api/v1."""
    app.register_blueprint(bp)
    app.register_blueprint(staff_bp, url_prefix="/staff")
    api.init_api(app)
    cycle_blueprint.register(app)
