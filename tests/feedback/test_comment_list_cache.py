"""The topic page's cached comment list: reused until a change of the topic's comments, never after.

The cache key is ``topics.comments_version``, which database triggers bump with every write that
touches an approved comment, so each test changes comments a different way and reads the page.
"""

import pytest
import sqlalchemy as sa

from services.feedback import moderation
from services.feedback.models import Comment, CommentStatus, ModerationAction, Topic, db
from shared.db import engine_for
from shared.testing.statements import recording
from tests.feedback.moderating import MODERATOR
from tests.feedback.test_public import EN, FORM, text_of


def version(app, topic_id):
    """The topic's stored comments_version."""
    with app.app_context():
        return db.session.scalar(sa.select(Topic.comments_version).where(Topic.id == topic_id))


def comment_queries(app, client, path):
    """(page text, statements reading the comments table, all statements) of a GET of ``path``."""
    engine = engine_for(app.config["FEEDBACK_DATABASE_URL"])
    with recording(engine) as seen:
        page = text_of(client.get(path, headers=EN))
    return page, sum(1 for statement, _ in seen if "FROM comments" in statement), len(seen)


def test_a_second_view_reuses_the_list_without_reading_comments(app, client, topic_id,
                                                                create_comment):
    create_comment(topic_id, body="Cached point")
    first, reads, _ = comment_queries(app, client, f"/topics/{topic_id}")
    assert "Cached point" in first and reads == 2  # top-level comments, then their replies
    second, reads, statements = comment_queries(app, client, f"/topics/{topic_id}")
    assert second == first and reads == 0
    assert statements == 1  # the topic with its forum and comments_version, in one query


def test_an_approval_shows_at_once(app, client, topic_id, create_comment):
    pending = create_comment(topic_id, body="Waiting for a moderator",
                             status=CommentStatus.PENDING)
    assert "Waiting for a moderator" not in text_of(client.get(f"/topics/{topic_id}", headers=EN))
    with app.app_context():
        moderation.approve(pending, MODERATOR)
        db.session.commit()
    assert "Waiting for a moderator" in text_of(client.get(f"/topics/{topic_id}", headers=EN))


def test_hiding_a_comment_or_its_parent_takes_it_down_at_once(app, client, topic_id,
                                                              create_comment):
    parent = create_comment(topic_id, body="Parent point")
    create_comment(topic_id, parent_id=parent, body="A reply to it")
    page = text_of(client.get(f"/topics/{topic_id}", headers=EN))
    assert "Parent point" in page and "A reply to it" in page
    with app.app_context():
        moderation.decide(parent, ModerationAction.HIDE, MODERATOR, reason="Off topic")
        db.session.commit()
    page = text_of(client.get(f"/topics/{topic_id}", headers=EN))
    assert "Parent point" not in page and "A reply to it" not in page


@pytest.mark.parametrize("statement", [
    "UPDATE comments SET status = 'hidden'",
    "UPDATE comments SET body = 'Edited by hand'",
    "DELETE FROM comments",
])
def test_writes_outside_the_orm_change_the_page_too(app, client, topic_id, create_comment,
                                                    statement):
    create_comment(topic_id, body="Original text")
    assert "Original text" in text_of(client.get(f"/topics/{topic_id}", headers=EN))
    with app.app_context():
        db.session.execute(sa.text(statement))
        db.session.commit()
    assert "Original text" not in text_of(client.get(f"/topics/{topic_id}", headers=EN))


def test_unpublished_changes_leave_the_version_alone(app, client, topic_id, create_comment,
                                                     confirm_path):
    create_comment(topic_id, body="Published")
    before = version(app, topic_id)
    assert client.post(f"/topics/{topic_id}/comments", data=FORM).status_code == 302
    assert client.post(confirm_path()).status_code in (200, 302)
    with app.app_context():
        assert db.session.scalar(sa.select(Comment.status).where(Comment.body == FORM["text"])) \
            == CommentStatus.PENDING
    assert version(app, topic_id) == before


def test_each_language_has_its_own_list(app, client, topic_id, create_comment):
    create_comment(topic_id, body="Same text")
    english = client.get(f"/topics/{topic_id}", headers=EN).get_data(as_text=True)
    finnish = client.get(f"/topics/{topic_id}", headers={"Accept-Language": "fi"}) \
        .get_data(as_text=True)
    assert "Report this comment" in english
    assert "Report this comment" not in finnish and "Same text" in finnish


def test_the_list_follows_the_window_state(app, client, topic_id, create_comment):
    create_comment(topic_id, body="Open for replies")
    assert "Reply to this comment" in client.get(f"/topics/{topic_id}", headers=EN) \
        .get_data(as_text=True)
    with app.app_context():
        db.session.execute(sa.update(Topic).where(Topic.id == topic_id)
                           .values(opens_at=sa.func.current_timestamp(),
                                   closes_at=sa.func.current_timestamp()))
        db.session.commit()
    page = client.get(f"/topics/{topic_id}", headers=EN).get_data(as_text=True)
    assert "Open for replies" in page and "Reply to this comment" not in page
