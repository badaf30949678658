"""The staff page's caption upload of a recording (law 306/2019): a WebVTT file, checked first.

A refused file re-renders the event page with 422 and the error next to the file field, and
changes nothing. Uploading again replaces the file and keeps the first caption time.
"""

from flask import flash, request
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from services.registration import captions, operations
from services.registration.models import Event, db
from services.registration.staff_common import event_page, get_or_404, secretary, to_event
from shared.auth import current_staff

#: the file field's name, and the key of its errors
FIELD = "captions_file"


def _store(event_id, data):
    """Store the file; a concurrent first upload of the same event is retried as a replacement."""
    try:
        operations.upload_captions(get_or_404(Event, event_id), data, current_staff())
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        operations.upload_captions(get_or_404(Event, event_id), data, current_staff())
        db.session.commit()


@secretary
def upload_captions(event_id):
    """Upload (or replace) the WebVTT caption file of a published recording."""
    event = get_or_404(Event, event_id)
    try:
        data = captions.check_upload(request.files.get(FIELD))
    except captions.CaptionsRejected as exc:
        return event_page(event, {FIELD: [str(exc.message)]}, status=422)
    if not event.recording_published_at:
        return event_page(event, {FIELD: [_("Publish the recording link first.")]}, status=409)
    _store(event_id, data)
    flash(_("The captions were uploaded."), "success")
    return to_event(event)
