"""The event page links the forum's memo, learnt from ``memo.published`` (never from memo's tables)."""

from services.registration import tasks
from services.registration.models import Event, db
from tests.contracts.memo_published import memo_published
from tests.registration.builders import add_event, add_item, english


def test_memo_published_links_the_memo_from_the_event_page(app):
    event_id = add_event(app)
    add_item(app, event_id)
    client = english(app)
    before = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert "memo-heading" not in before  # the agenda fragment is cached from here on
    payload = memo_published(event_id=event_id, memo_id=7)
    with app.app_context():
        assert tasks.link_memo(payload) == event_id
        assert tasks.link_memo(payload) is None  # a redelivery is skipped
        assert db.session.get(Event, event_id).memo_url == "http://localhost/memo/memos/7"
    after = client.get(f"/events/{event_id}").get_data(as_text=True)
    assert 'href="http://localhost/memo/memos/7"' in after
    assert "Budget 2027" in after  # the cached agenda is still there


def test_a_memo_of_an_unknown_event_changes_nothing(app):
    with app.app_context():
        assert tasks.link_memo(memo_published(event_id=999)) is None
