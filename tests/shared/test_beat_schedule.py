"""Beat's schedule: every periodic job the services rely on is there, at its interval.

The jobs run from the database (reminders, expiry, closing windows, the digest, the outbox
relays), so a job missing from the schedule would silently never run.
"""

import pytest

from shared import config
from shared.celery import _beat_schedule, celery_app

#: task name -> seconds between runs (None: the interval comes from a setting, checked below)
EXPECTED = {
    "registration.send_reminders": 300,
    "registration.advance_cycle": 300,
    "feedback.expire_comments": 900,
    "feedback.close_windows": 900,
    "feedback.send_moderation_digest": 3600,
    "registration.relay_outbox": None,
    "feedback.relay_outbox": None,
    "memo.relay_outbox": None,
    "notify.relay_outbox": None,
}


@pytest.fixture(scope="module")
def schedule():
    """The schedule beat builds once every service's tasks are imported."""
    from foorumi.apps import FACTORIES  # noqa: F401 - imports every service's tasks
    from services.feedback import tasks as _feedback  # noqa: F401
    from services.memo import tasks as _memo  # noqa: F401
    from services.notify import tasks as _notify  # noqa: F401
    from services.registration import tasks as _registration  # noqa: F401

    return _beat_schedule({**config.load(), "OUTBOX_RELAY_INTERVAL": 2.5})


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_periodic_job_is_scheduled_and_registered(schedule, name):
    assert name in schedule, f"{name} is not in beat's schedule"
    assert schedule[name]["task"] == name and name in celery_app.tasks
    every = EXPECTED[name]
    assert schedule[name]["schedule"] == (2.5 if every is None else every)
