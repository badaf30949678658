"""A recording's caption file: what an upload must be, and the 14-day caption deadline."""

import datetime as dt
import io

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage

from services.registration import captions, operations
from services.registration.models import Event, EventStatus, RecordingCaptions, db
from shared.auth.models import StaffUser
from shared.db import utcnow

VTT = b"WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nTervetuloa foorumiin.\n"


@pytest.fixture
def ctx(app):
    """A request context (Finnish) for calling the checks and operations directly."""
    with app.test_request_context(headers={"Accept-Language": "fi"}):
        yield


def upload(data, filename="captions.vtt"):
    """A posted file."""
    return FileStorage(io.BytesIO(data), filename=filename)


def secretary():
    """A (transient) secretary."""
    return StaffUser(email="secretary@hyvinvointialue.example", name="Sihteeri")


def test_a_valid_file_is_taken_as_given(ctx):
    html = VTT + b"\n00:00:03.000 --> 00:00:04.000\n<script>alert(1)</script><b>hei</b>\n"
    assert captions.check_upload(upload(VTT)) == VTT
    assert captions.check_upload(upload(html)) == html


@pytest.mark.parametrize(("data", "filename", "message"), [
    (b"not a caption file", "captions.vtt", "ei ole kelvollinen WebVTT"),
    (b"1\n00:00:00,000 --> 00:00:02,000\nSRT\n", "captions.vtt", "ei ole kelvollinen WebVTT"),
    (b"WEBVTT\n", "captions.vtt", "ei ole yhtään tekstitystä"),
    (b"", "captions.vtt", "ei ole kelvollinen WebVTT"),
    (b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n\xff\xfe\x00\x01\n", "captions.vtt", "UTF-8"),
    (b"WEBVTT\n\n00:00:00.000 --> 00:00:01.000\na\x00b\n", "captions.vtt", "tekstitystä"),
    (VTT, "captions.srt", "Vain WebVTT"),
    (VTT, "", "Valitse ladattava"),
])
def test_anything_else_is_refused_in_the_users_language(ctx, data, filename, message):
    with pytest.raises(captions.CaptionsRejected) as refused:
        captions.check_upload(upload(data, filename))
    assert message in str(refused.value.message)


def test_a_file_over_the_limit_is_refused(app, ctx):
    app.config["CAPTION_MAX_BYTES"] = len(VTT) - 1
    with pytest.raises(captions.CaptionsRejected):
        captions.check_upload(upload(VTT))


def test_no_file_at_all_is_refused(ctx):
    with pytest.raises(captions.CaptionsRejected):
        captions.check_upload(None)


def test_captions_need_a_published_recording(ctx, create_event):
    event = db.session.get(Event, create_event(status=EventStatus.HELD))
    with pytest.raises(operations.NotHeld):
        operations.upload_captions(event, VTT, secretary())


def test_a_replacement_keeps_the_first_caption_time(ctx, create_event):
    published = utcnow() - dt.timedelta(days=5)
    event = db.session.get(Event, create_event(
        status=EventStatus.HELD, recording_url="https://video.example/r",
        recording_published_at=published))
    first = published + dt.timedelta(days=1)
    operations.upload_captions(event, VTT, secretary(), now=first)
    operations.upload_captions(event, VTT + b"\n", StaffUser(email="admin@x.example", name="A"),
                               now=first + dt.timedelta(days=2))
    db.session.commit()
    row = db.session.scalars(sa.select(RecordingCaptions)).one()
    assert row.captioned_at == first and row.captioned_by == "secretary@hyvinvointialue.example"
    assert row.uploaded_by == "admin@x.example" and row.data == VTT + b"\n"
    assert row.size == len(VTT) + 1


def held_with_recording(create_event, published):
    """A held forum whose recording was published at ``published``."""
    return db.session.get(Event, create_event(
        status=EventStatus.HELD, recording_url="https://video.example/r",
        recording_published_at=published))


def test_the_deadline_is_the_policy_days_after_publication(ctx, create_event):
    published = utcnow()
    event = held_with_recording(create_event, published)
    assert captions.deadline(event) == published + dt.timedelta(days=14)
    assert captions.deadline_state(db.session.get(Event, create_event()), utcnow()) is None


@pytest.mark.parametrize(("days_later", "state"), [
    (0, "open"), (10, "open"), (11, "amber"), (14, "amber"), (14.001, "red"), (30, "red"),
])
def test_an_uncaptioned_recording_turns_amber_then_red(ctx, create_event, days_later, state):
    published = utcnow()
    event = held_with_recording(create_event, published)
    now = published + dt.timedelta(days=days_later)
    assert captions.deadline_state(event, now) == state


@pytest.mark.parametrize(("captioned_after", "state"), [(1, "green"), (14, "green"), (15, "red")])
def test_a_captioned_recording_is_green_when_in_time(ctx, create_event, captioned_after, state):
    published = utcnow() - dt.timedelta(days=20)
    event = held_with_recording(create_event, published)
    operations.upload_captions(event, VTT, secretary(),
                               now=published + dt.timedelta(days=captioned_after))
    assert captions.deadline_state(event, utcnow()) == state
