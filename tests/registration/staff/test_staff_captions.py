"""The staff page's caption upload: valid files stored, anything else refused next to the field."""

import datetime as dt
import io

import pytest
import sqlalchemy as sa
import sqlalchemy.orm

from services.registration.models import EventStatus, RecordingCaptions, db
from shared.db import utcnow
from shared.testing.fixtures import login_as
from tests.registration.builders import add_event, count, english
from tests.registration.staff.support import text

VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nWelcome to the forum.\n"


def held(app, published=None):
    """A held forum with a published recording; returns its id."""
    return add_event(app, status=EventStatus.HELD, recording_url="https://video.example/r",
                     recording_published_at=published or utcnow())


def post(client, event_id, data=VTT, filename="captions.vtt", **headers):
    """Upload a caption file."""
    return client.post(f"/staff/events/{event_id}/captions", headers=headers,
                       data={"captions_file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def stored(app):
    """The one stored caption row, or None."""
    with app.app_context():
        row = db.session.scalars(sa.select(RecordingCaptions)
                                 .options(sa.orm.undefer(RecordingCaptions.data))).one_or_none()
        if row is not None:
            db.session.expunge(row)
        return row


def test_a_valid_file_is_stored_with_who_and_when(app):
    event_id = held(app)
    client = english(app)
    email = login_as(app, client, "secretary")
    response = post(client, event_id)
    assert response.status_code == 302
    row = stored(app)
    assert row.event_id == event_id and row.captioned_by == email == row.uploaded_by
    assert row.captioned_at is not None and row.data == VTT
    page = text(client.get(f"/staff/events/{event_id}"))
    assert "Captioned in time" in page and "caption-green" in page


@pytest.mark.parametrize(("data", "filename"), [
    (b"<html>not captions</html>", "captions.vtt"),
    (b"", "captions.vtt"),
    (b"WEBVTT\n", "captions.vtt"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "captions.vtt"),
    (VTT, "captions.txt"),
])
def test_bad_files_are_refused_next_to_the_field_and_change_nothing(app, client, data, filename):
    event_id = held(app)
    response = post(client, event_id, data, filename)
    assert response.status_code == 422 and 'id="captions_file-error"' in text(response)
    assert count(app, RecordingCaptions) == 0


def test_a_too_big_file_is_refused(app, client):
    app.config["CAPTION_MAX_BYTES"] = 100
    event_id = held(app)
    big = VTT + b"".join(b"\n00:00:03.000 --> 00:00:04.000\nline %d\n" % i for i in range(20))
    response = post(client, event_id, big)
    assert response.status_code == 422 and "larger than" in text(response)
    assert count(app, RecordingCaptions) == 0


def test_the_error_is_in_the_users_language(app):
    event_id = held(app)
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    login_as(app, client, "secretary")
    response = post(client, event_id, b"nope")
    assert response.status_code == 422 and "inte en giltig WebVTT" in text(response)


def test_captions_need_a_published_recording_first(app, client):
    event_id = add_event(app, status=EventStatus.HELD)
    response = post(client, event_id)
    assert response.status_code == 409 and 'id="captions_file-error"' in text(response)
    assert count(app, RecordingCaptions) == 0


def test_a_double_submit_keeps_one_row_and_the_first_caption_time(app, client):
    event_id = held(app)
    assert post(client, event_id).status_code == 302
    first = stored(app).captioned_at
    assert post(client, event_id, VTT + b"\n").status_code == 302
    assert count(app, RecordingCaptions) == 1
    row = stored(app)
    assert row.captioned_at == first and row.data == VTT + b"\n"
    assert row.uploaded_at >= first


def test_only_secretaries_may_upload(app):
    event_id = held(app)
    anonymous, moderator = english(app), english(app)
    login_as(app, moderator, "moderator")
    assert post(anonymous, event_id).status_code == 302
    assert post(moderator, event_id).status_code == 403
    assert count(app, RecordingCaptions) == 0


def test_an_unknown_event_is_not_found(client):
    assert post(client, 999999).status_code == 404


@pytest.mark.parametrize(("days_ago", "flag", "label"), [
    (1, "caption-open", "Not captioned yet"),
    (12, "caption-amber", "Deadline near"),
    (15, "caption-red", "Deadline passed"),
])
def test_the_staff_page_flags_an_uncaptioned_recording(app, client, days_ago, flag, label):
    published = utcnow() - dt.timedelta(days=days_ago)
    event_id = held(app, published)
    page = text(client.get(f"/staff/events/{event_id}"))
    assert flag in page and label in page and "Captions are due by" in page
