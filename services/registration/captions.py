"""A recording's caption file (law 306/2019): checked on upload, and its 14-day deadline.

An upload must be UTF-8 WebVTT that webvtt-py parses, with at least one cue, within
``CAPTION_MAX_BYTES``. The file is stored exactly as given (cue text may hold tags) and only ever
served as ``text/vtt``, never rendered as HTML. The deadline runs from the recording's first
publication; the time of the first caption upload is what counts against it.
"""

import datetime as dt
import io

import webvtt
from flask import current_app
from flask_babel import lazy_gettext as _l
from webvtt.errors import MalformedFileError

from services.registration.cycle import numbers

#: what the captions route answers with
CONTENT_TYPE = "text/vtt; charset=utf-8"


class CaptionsRejected(Exception):
    """The upload is not an acceptable caption file; ``message`` says why, for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def _cue_count(text):
    """How many cues webvtt-py reads in ``text``; raises CaptionsRejected if it cannot parse it."""
    try:
        return len(webvtt.from_buffer(io.StringIO(text)).captions)
    except (MalformedFileError, ValueError, IndexError) as exc:
        raise CaptionsRejected(_l("The file is not a valid WebVTT caption file.")) from exc


def check_upload(storage):
    """The bytes of an acceptable caption file; raises CaptionsRejected."""
    if storage is None or not storage.filename:
        raise CaptionsRejected(_l("Choose a caption file to upload."))
    if not storage.filename.lower().endswith(".vtt"):
        raise CaptionsRejected(_l("Only WebVTT caption files (.vtt) can be uploaded."))
    limit = current_app.config["CAPTION_MAX_BYTES"]
    data = storage.stream.read(limit + 1)
    if len(data) > limit:
        raise CaptionsRejected(_l("The caption file is larger than %(size)s MiB.",
                                  size=limit // (1024 * 1024)))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CaptionsRejected(_l("The caption file must be UTF-8 text.")) from exc
    if "\x00" in text or _cue_count(text) == 0:
        raise CaptionsRejected(_l("The caption file has no captions (cues)."))
    return data


def deadline(event):
    """When the recording must be captioned by (UTC), or None without a published recording."""
    if event.recording_published_at is None:
        return None
    return event.recording_published_at + numbers.of_event(event).caption_deadline


def deadline_state(event, now):
    """The caption check of a recording: None (no recording), 'green' (captioned in time),
    'open' (uncaptioned, deadline not near), 'amber' (uncaptioned, within the warning days of
    the deadline) or 'red' (uncaptioned past the deadline, or captioned after it)."""
    due = deadline(event)
    if due is None:
        return None
    if event.captions is not None:
        return "green" if event.captions.captioned_at <= due else "red"
    if now > due:
        return "red"
    warning = dt.timedelta(days=current_app.config["CAPTION_DEADLINE_WARNING_DAYS"])
    return "amber" if due - now <= warning else "open"
