"""Helpers of the staff pages' tests."""

import datetime as dt

from shared.db import utcnow


def text(response):
    """The response body as text."""
    return response.get_data(as_text=True)


def event_form(**overrides):
    """A valid event editor post (times are Helsinki wall time)."""
    start = (utcnow() + dt.timedelta(days=30)).date()
    form = {"kind": "forum", "title": "Wellbeing forum", "theme": "wellbeing",
            "description": "Plan *ahead*", "starts_at": f"{start}T13:00",
            "ends_at": f"{start}T16:00", "venue": "Kuopio hall", "onsite_capacity": "40",
            "remote_join_url": "https://meet.example/abc", "registration_opens_at": "",
            "registration_closes_at": ""}
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}
