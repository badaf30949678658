"""Each topic links the forum's memo, learnt from ``memo.published`` (never from memo's tables)."""

from services.feedback import tasks
from services.feedback.models import Forum, Topic, db
from tests.contracts.memo_published import memo_published
from tests.feedback.builders import announcement, sync


def test_memo_published_links_the_memo_from_every_topic(app, client):
    with app.app_context():
        forum_id = sync(announcement(event_id=5))
        topic_ids = [t.id for t in db.session.query(Topic).filter_by(forum_id=forum_id)]
    payload = memo_published(event_id=5, memo_id=9)
    with app.app_context():
        assert tasks.link_memo(payload) == 5
        assert tasks.link_memo(payload) is None  # a redelivery is skipped
        assert db.session.get(Forum, 5).memo_url == "http://localhost/memo/memos/9"
    assert len(topic_ids) == 2
    for topic_id in topic_ids:
        html = client.get(f"/topics/{topic_id}").get_data(as_text=True)
        assert 'href="http://localhost/memo/memos/9"' in html


def test_a_memo_of_an_unknown_forum_changes_nothing(app):
    with app.app_context():
        assert tasks.link_memo(memo_published(event_id=404)) is None
