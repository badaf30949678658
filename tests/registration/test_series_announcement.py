"""``event.published`` carries the event's series: its numbers, segment, recipients, partners."""

import sqlalchemy as sa

from services.registration import emails
from services.registration.announcing import announce_again
from services.registration.cycle.models import Series
from services.registration.models import Event, db
from shared.contracts import SCHEMAS, events


def add_series(app, **values):
    """A series of the associations' forum (committed); its id."""
    defaults = {"slug": "jarjestofoorumi", "name": "Järjestöfoorumi", "comment_window_days": 10,
                "recording_visible_days": 21, "working_body": "Järjestöjen vaikuttamistoimielin",
                "newsletter_segment": "wellbeing",
                "memo_recipients": [{"name": "Hyvinvointilautakunta",
                                     "email": "hyte@county.example", "kind": "board"},
                                    {"name": "No address", "email": ""},
                                    {"name": "Broken", "email": "not an address"},
                                    {"name": "Aluehallitus", "email": "ah@county.example",
                                     "kind": "presenter"}],
                "partners": [{"name": "Kauppakamari", "email": "info@kauppakamari.example"},
                             {"email": "kunnat@county.example"}]}
    with app.app_context():
        series = Series(**{**defaults, **values})
        db.session.add(series)
        db.session.commit()
        return series.id


def announce(app, event_id):
    """Write ``event.published`` for the event and commit."""
    with app.app_context():
        emails.event_published(db.session.get(Event, event_id))
        db.session.commit()


def test_the_announcement_carries_the_series(app, create_event, outbox):
    event_id = create_event(series_id=add_series(app))
    announce(app, event_id)
    (payload,) = outbox(events.EVENT_PUBLISHED)
    assert payload["series"] == {
        "slug": "jarjestofoorumi", "name": "Järjestöfoorumi",
        "working_body": "Järjestöjen vaikuttamistoimielin", "newsletter_segment": "wellbeing",
        "comment_window_days": 10, "recording_visible_days": 21,
        "memo_recipients": [{"name": "Hyvinvointilautakunta", "email": "hyte@county.example",
                             "kind": "board"},  # entries without a valid address left out
                            {"name": "Aluehallitus", "email": "ah@county.example",
                             "kind": "other"}],  # a kind the contract lacks is "other"
        "partners": [{"name": "Kauppakamari", "email": "info@kauppakamari.example"},
                     {"name": "", "email": "kunnat@county.example"}]}
    assert SCHEMAS[events.EVENT_PUBLISHED]().load(payload)["series"]["comment_window_days"] == 10


def test_an_event_without_series_announces_none(app, create_event, outbox):
    announce(app, create_event())
    (payload,) = outbox(events.EVENT_PUBLISHED)
    assert payload["series"] is None


def test_the_series_numbers_are_read_at_each_announcement(app, create_event, outbox):
    series_id = add_series(app)
    event_id = create_event(series_id=series_id)
    announce(app, event_id)
    with app.app_context():
        db.session.get(Series, series_id).comment_window_days = 14
        db.session.commit()
    announce(app, event_id)
    assert [p["series"]["comment_window_days"] for p in outbox(events.EVENT_PUBLISHED)] == [10, 14]


def test_announcing_again_carries_the_series(app, create_event, outbox):
    series_id = add_series(app)
    event_id = create_event(series_id=series_id)
    with app.app_context():
        assert announce_again() == 1
        db.session.commit()
        assert db.session.scalar(sa.select(Event.series_id).where(Event.id == event_id)) == series_id
    (payload,) = outbox(events.EVENT_PUBLISHED)
    assert payload["series"]["slug"] == "jarjestofoorumi"
