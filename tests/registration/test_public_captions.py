"""The event page links the recording's captions and serves them as text/vtt while it is shown."""

import datetime as dt

import time_machine

from services.registration.models import Event, EventStatus, RecordingCaptions, db
from shared.db import utcnow
from tests.registration.builders import add_event, english

VTT = (b"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\nHyv\xc3\xa4\xc3\xa4 huomenta.\n\n"
       b"00:00:02.000 --> 00:00:04.000\n<script>alert(1)</script>\n")


def captioned(app, published):
    """A held forum with a recording published at ``published`` and its captions; its id."""
    event_id = add_event(app, status=EventStatus.HELD, recording_url="https://video.example/r",
                         recording_published_at=published)
    with app.app_context():
        db.session.add(RecordingCaptions(event_id=event_id, data=VTT, size=len(VTT),
                                         captioned_at=published, captioned_by="s@x.example",
                                         uploaded_at=published, uploaded_by="s@x.example"))
        db.session.commit()
    return event_id


def test_captions_are_served_as_given_as_text_vtt(app):
    event_id = captioned(app, utcnow())
    response = english(app).get(f"/events/{event_id}/captions.vtt")
    assert response.status_code == 200 and response.data == VTT
    assert response.headers["Content-Type"] == "text/vtt; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_event_page_links_the_captions_in_its_language(app):
    event_id = captioned(app, utcnow())
    page = english(app).get(f"/events/{event_id}").get_data(as_text=True)
    assert f'href="/events/{event_id}/captions.vtt"' in page
    assert "Download the captions (WebVTT)" in page
    assert "<script>alert(1)</script>" not in page
    finnish = app.test_client()
    finnish.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fi"
    assert "Lataa tekstitys (WebVTT)" in finnish.get(f"/events/{event_id}").get_data(as_text=True)


def test_without_captions_there_is_no_link_and_no_file(app):
    event_id = add_event(app, status=EventStatus.HELD, recording_url="https://video.example/r",
                         recording_published_at=utcnow())
    client = english(app)
    assert "captions.vtt" not in client.get(f"/events/{event_id}").get_data(as_text=True)
    assert client.get(f"/events/{event_id}/captions.vtt").status_code == 404
    assert client.get("/events/999999/captions.vtt").status_code == 404


def test_a_drafts_captions_are_not_found(app):
    event_id = captioned(app, utcnow())
    with app.app_context():
        db.session.get(Event, event_id).status = EventStatus.DRAFT
        db.session.commit()
    assert english(app).get(f"/events/{event_id}/captions.vtt").status_code == 404


def test_after_the_viewing_period_the_link_and_captions_are_gone(app):
    published = utcnow()
    event_id = captioned(app, published)
    client = english(app)
    with time_machine.travel(published + dt.timedelta(days=14, seconds=-1), tick=False):
        assert client.get(f"/events/{event_id}/captions.vtt").status_code == 200
    with time_machine.travel(published + dt.timedelta(days=14), tick=False):
        page = client.get(f"/events/{event_id}").get_data(as_text=True)
        assert "captions.vtt" not in page and "Watch the recording" not in page
        assert "The recording has expired." in page
        assert client.get(f"/events/{event_id}/captions.vtt").status_code == 410
