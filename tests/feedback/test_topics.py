"""Topics follow the published agenda (``event.published``) and keep the comment-window policy."""

import datetime as dt

import pytest
import sqlalchemy as sa

from services.feedback import tasks, topics
from services.feedback.models import Forum, Topic, db
from shared.db import utcnow
from tests.feedback.builders import agenda_item, announcement, sync

WEEK = dt.timedelta(days=7)


def all_topics(forum_id=1):
    """The forum's topics (withdrawn too) in agenda order."""
    query = sa.select(Topic).where(Topic.forum_id == forum_id).order_by(Topic.position, Topic.id)
    return db.session.scalars(query).all()


def test_an_announced_forum_gets_one_topic_per_agenda_item(app):
    start = utcnow() + dt.timedelta(days=10)
    with app.app_context():
        sync(announcement(starts_at=start, ends_at=start + dt.timedelta(hours=3), agenda=[
            agenda_item(11, 1, "Budget 2027", material_urls=["http://localhost/m/1"]),
            agenda_item(12, 2, "Service vouchers", description="**Rules**")]))
        forum = db.session.get(Forum, 1)
        first, second = all_topics()
    assert (forum.title, forum.url) == ("Autumn provider forum", "http://localhost/registration/events/1")
    assert (first.agenda_item_id, first.title, first.material_urls) == (
        11, "Budget 2027", ["http://localhost/m/1"])
    assert (second.title, second.description, second.presenter_name) == (
        "Service vouchers", "**Rules**", "Finance director")
    assert first.opens_at == start
    assert first.closes_at == start + dt.timedelta(hours=3) + WEEK  # the policy's floor


def test_a_changed_agenda_updates_adds_and_withdraws_topics(app):
    with app.app_context():
        sync(announcement(agenda=[agenda_item(1), agenda_item(2)]))
        sync(announcement(title="Renamed forum", agenda=[
            agenda_item(2, 1, "Item two, renamed", material_urls=[]), agenda_item(3, 2)]))
        titles = {t.agenda_item_id: (t.title, t.position, t.withdrawn, t.material_urls)
                  for t in all_topics()}
        assert db.session.get(Forum, 1).title == "Renamed forum"
    assert titles == {
        1: ("Item 1", 1, True, ["http://localhost/registration/materials/1"]),
        2: ("Item two, renamed", 1, False, []),
        3: ("Item 3", 2, False, ["http://localhost/registration/materials/3"]),
    }


def test_an_item_put_back_on_the_agenda_is_live_again_with_its_comments(app, create_comment):
    with app.app_context():
        sync(announcement(agenda=[agenda_item(1)]))
        topic_id = all_topics()[0].id
        sync(announcement(agenda=[]))
        assert all_topics()[0].withdrawn
        sync(announcement(agenda=[agenda_item(1)]))
        assert [(t.id, t.withdrawn) for t in all_topics()] == [(topic_id, False)]


def test_targeted_sessions_get_no_topics(app):
    with app.app_context():
        assert sync(announcement(kind="targeted")) is None
        assert db.session.scalar(sa.select(sa.func.count(Topic.id))) == 0


def test_a_late_older_announcement_never_undoes_a_newer_one(app):
    now = utcnow()
    with app.app_context():
        sync(announcement(title="New", occurred_at=now, agenda=[agenda_item(1, title="New")]))
        stale = announcement(title="Old", occurred_at=now - dt.timedelta(minutes=5),
                             agenda=[agenda_item(1, title="Old"), agenda_item(2)])
        assert sync(stale) is None
        assert [(t.title, t.withdrawn) for t in all_topics()] == [("New", False)]
        assert db.session.get(Forum, 1).title == "New"


def test_the_consumer_applies_a_message_once(app):
    payload = announcement()
    with app.app_context():
        assert tasks.sync_topics(payload) == 1
        # a second delivery of the same message after a manual change has no second effect
        topic = all_topics()[0]
        topic.title = "Changed here"
        db.session.commit()
    with app.app_context():
        assert tasks.sync_topics(payload) is None
        assert all_topics()[0].title == "Changed here"


# -- the window



def test_the_secretary_may_not_close_before_the_floor(app, topic_id):
    with app.app_context():
        topic = db.session.get(Topic, topic_id)
        floor = topic.forum.ends_at + WEEK
        with pytest.raises(topics.WindowTooEarly) as refused:
            topics.set_window(topic, floor - dt.timedelta(seconds=1))
        assert refused.value.floor == floor
        db.session.rollback()
        assert db.session.get(Topic, topic_id).closes_at == floor


def test_the_secretary_may_close_later_and_the_floor_still_holds_when_the_event_moves(app):
    start = utcnow() - dt.timedelta(days=2)
    end = start + dt.timedelta(hours=3)
    with app.app_context():
        sync(announcement(starts_at=start, ends_at=end, agenda=[agenda_item(1)]))
        topic = all_topics()[0]
        topics.set_window(topic, end + dt.timedelta(days=10))
        db.session.commit()
        assert all_topics()[0].closes_at == end + dt.timedelta(days=10)
        # the event moved three weeks later: the floor passes the chosen time
        later = end + dt.timedelta(days=21)
        sync(announcement(starts_at=start + dt.timedelta(days=21), ends_at=later,
                          agenda=[agenda_item(1)]))
        topic = all_topics()[0]
        assert (topic.opens_at, topic.closes_at) == (start + dt.timedelta(days=21), later + WEEK)
        # and back: the secretary's later time counts again
        sync(announcement(starts_at=start, ends_at=end, agenda=[agenda_item(1)]))
        assert all_topics()[0].closes_at == end + dt.timedelta(days=10)


def test_the_floor_follows_the_policy_setting(make_app):
    app = make_app("feedback", POLICY_COMMENT_WINDOW_MIN_DAYS=14)
    start = utcnow()
    with app.app_context():
        sync(announcement(starts_at=start, ends_at=start + dt.timedelta(hours=2)))
        assert all_topics()[0].closes_at == start + dt.timedelta(hours=2, days=14)


def test_window_states(app, topic_id):
    with app.app_context():
        topic = db.session.get(Topic, topic_id)
        assert topics.window_state(topic, topic.opens_at - dt.timedelta(seconds=1)) == "not_open_yet"
        assert topics.window_state(topic, topic.opens_at) == "open"
        assert topics.window_state(topic, topic.closes_at - dt.timedelta(seconds=1)) == "open"
        assert topics.window_state(topic, topic.closes_at) == "closed"
        topic.withdrawn = True
        assert topics.window_state(topic, topic.opens_at) == "closed"


def test_set_window_refuses_a_naive_time(app, topic_id):
    with app.app_context(), pytest.raises(ValueError):
        topics.set_window(db.session.get(Topic, topic_id), dt.datetime(2040, 1, 1))
