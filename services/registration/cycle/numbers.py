"""The policy numbers that apply to an event: its series', or the settings' defaults.

Every rule about a forum reads them here (the lead time, the comment window, the recording's
viewing and caption days, forums a year), so a series defined by an admin changes the rules of
its forums and nothing else.
"""

import dataclasses
import datetime as dt

from flask import current_app

#: Numbers field -> the setting that is its default (and a new series' starting value)
DEFAULTS = {
    "publish_lead_days": "POLICY_PUBLISH_LEAD_DAYS",
    "comment_window_days": "POLICY_COMMENT_WINDOW_MIN_DAYS",
    "recording_visible_days": "POLICY_RECORDING_VISIBLE_DAYS",
    "caption_deadline_days": "POLICY_CAPTION_DEADLINE_DAYS",
    "forums_per_year_min": "POLICY_FORUMS_PER_YEAR_MIN",
    "forums_per_year_max": "POLICY_FORUMS_PER_YEAR_MAX",
}


@dataclasses.dataclass(frozen=True)
class Numbers:
    """A series' policy numbers (days and counts)."""

    publish_lead_days: int
    comment_window_days: int
    recording_visible_days: int
    caption_deadline_days: int
    forums_per_year_min: int
    forums_per_year_max: int

    @property
    def lead(self):
        """The lead time as a timedelta."""
        return dt.timedelta(days=self.publish_lead_days)

    @property
    def comment_window(self):
        """The least comment window after a forum, as a timedelta."""
        return dt.timedelta(days=self.comment_window_days)

    @property
    def recording_visible(self):
        """How long the recording shows, as a timedelta."""
        return dt.timedelta(days=self.recording_visible_days)

    @property
    def caption_deadline(self):
        """How long after publication the recording must be captioned, as a timedelta."""
        return dt.timedelta(days=self.caption_deadline_days)


def defaults():
    """The settings' numbers (for an event without a series, and a new series' form)."""
    config = current_app.config
    return Numbers(**{name: config[setting] for name, setting in DEFAULTS.items()})


def of_series(series):
    """The numbers of ``series`` (None: the defaults)."""
    if series is None:
        return defaults()
    return Numbers(**{name: getattr(series, name) for name in DEFAULTS})


def of_event(event):
    """The numbers that apply to ``event``: its series', or the defaults."""
    return of_series(event.series)
