"""``event.published``'s series: older messages without it still load, and what registration
writes reaches feedback's windows, notify's partners and segment, and memo's recipients."""

import datetime as dt
import uuid

import pytest
import sqlalchemy as sa
from marshmallow import ValidationError

from services.feedback import tasks as feedback_tasks
from services.feedback.models import Forum as FeedbackForum
from services.feedback.models import db as feedback_db
from services.memo import tasks as memo_tasks
from services.memo.models import Forum as MemoForum
from services.memo.models import db as memo_db
from services.notify import tasks as notify_tasks
from services.notify.models import Announcement
from services.notify.models import OutboxMessage as NotifyOutbox
from services.notify.models import db as notify_db
from services.registration import emails
from services.registration.cycle.models import Series
from services.registration.models import OutboxMessage
from services.registration.models import db as registration_db
from shared.contracts import ROUTES, SCHEMAS, events, notify
from tests.registration.conftest import build_event

SCHEMA = SCHEMAS[events.EVENT_PUBLISHED]
BASE = {"message_id": str(uuid.uuid4()), "occurred_at": "2031-09-14T10:00:00+00:00",
        "event_id": 1, "kind": "forum", "title": "Forum", "theme": "budget",
        "starts_at": "2031-10-14T10:00:00+00:00", "ends_at": "2031-10-14T13:00:00+00:00",
        "url": "http://localhost/registration/events/1"}
SERIES = {"slug": "palveluntuottajafoorumi", "name": "Palveluntuottajafoorumi",
          "comment_window_days": 10, "recording_visible_days": 14}


def test_an_older_message_without_series_loads_as_none():
    assert SCHEMA().load(BASE)["series"] is None
    assert SCHEMA().load({**BASE, "series": None})["series"] is None


def test_a_series_loads_with_its_defaults():
    series = SCHEMA().load({**BASE, "series": SERIES})["series"]
    assert series == {**SERIES, "working_body": "", "newsletter_segment": "",
                      "memo_recipients": [], "partners": []}


@pytest.mark.parametrize("series, field", [
    ({**SERIES, "partners": [{"name": "X", "email": "not-an-address"}]}, "partners"),
    ({**SERIES, "memo_recipients": [{"email": "a@b.example", "kind": "presenter"}]},
     "memo_recipients"),
    ({**SERIES, "comment_window_days": "ten"}, "comment_window_days"),
    ({key: value for key, value in SERIES.items() if key != "slug"}, "slug"),
])
def test_a_broken_series_is_refused_by_field(series, field):
    with pytest.raises(ValidationError) as caught:
        SCHEMA().load({**BASE, "series": series})
    assert field in caught.value.messages["series"]


@pytest.fixture
def suite(make_app):
    """{service: app} of the four services on the same test databases."""
    return {name: make_app(name) for name in ("registration", "feedback", "notify", "memo")}


TASKS = {"feedback.sync_topics": ("feedback", feedback_tasks.sync_topics),
         "notify.announce_event": ("notify", notify_tasks.announce_event),
         "memo.sync_forum": ("memo", memo_tasks.sync_forum)}


def test_what_registration_writes_reaches_every_receiver(suite):
    with suite["registration"].app_context():
        series = Series(slug="palveluntuottajafoorumi", name="Palveluntuottajafoorumi",
                        comment_window_days=10, newsletter_segment="budget",
                        memo_recipients=[{"name": "Aluehallitus", "kind": "regional_government",
                                          "email": "aluehallitus@county.example"}],
                        partners=[{"name": "Kauppakamari", "email": "info@kauppakamari.example"}])
        event = build_event(agenda=[{"title": "Budget 2032"}], series=series)
        registration_db.session.add(event)
        registration_db.session.flush()
        emails.event_published(event)
        registration_db.session.commit()
        event_id, ends_at = event.id, event.ends_at
        (payload,) = registration_db.session.scalars(sa.select(OutboxMessage.payload).where(
            OutboxMessage.topic == events.EVENT_PUBLISHED)).all()
    assert set(ROUTES[events.EVENT_PUBLISHED]) == set(TASKS)
    for service, task in TASKS.values():
        with suite[service].app_context():
            assert task(payload) is not None
    with suite["feedback"].app_context():
        forum = feedback_db.session.get(FeedbackForum, event_id)
        assert {t.closes_at for t in forum.topics} == {ends_at + dt.timedelta(days=10)}
    with suite["notify"].app_context():
        (announcement,) = notify_db.session.scalars(sa.select(Announcement)).all()
        assert announcement.segment == {"themes": ["budget"]}
        (email,) = notify_db.session.scalars(sa.select(NotifyOutbox.payload).where(
            NotifyOutbox.topic == notify.SEND_EMAIL)).all()
        assert (email["to"], email["template"]) == ("info@kauppakamari.example",
                                                    "forum_announced_partner")
    with suite["memo"].app_context():
        forum = memo_db.session.get(MemoForum, event_id)
        assert forum.memo_recipients[0]["email"] == "aluehallitus@county.example"
        assert forum.partners == [{"name": "Kauppakamari", "email": "info@kauppakamari.example"}]
