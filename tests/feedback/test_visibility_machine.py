"""A Hypothesis state machine: whatever happens to comments, only approved ones are ever public.

Random sequences of submit, confirm, approve, reject, report, hide and reply run against the
real service (the public ones through the JSON API, the moderators' through ``moderation``);
after every step the public API and the topic's page must show exactly the comments a model of
the rules says are visible: approved, and for a reply, under an approved comment.
"""

import itertools
import re

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, settings
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from services.feedback import moderation
from services.feedback.models import Comment, db
from tests.feedback.builders import agenda_item
from tests.feedback.moderating import MODERATOR

_forum_ids = itertools.count(100)


class CommentLife(RuleBasedStateMachine):
    """Comments on one topic of a fresh forum; ``status`` is the model of each comment."""

    unconfirmed = Bundle("unconfirmed")
    pending = Bundle("pending")
    approved = Bundle("approved")

    #: (app, client, create_forum, outbox) of the test that runs the machine
    env = None

    def __init__(self):
        super().__init__()
        self.app, self.client, create_forum, self.outbox = self.env
        forum = next(_forum_ids)  # agenda item ids are unique too: a topic per example
        self.topic_id = create_forum(event_id=forum, agenda=[agenda_item(forum * 10)])[0]
        self.status, self.parent, self.texts, self.numbers = {}, {}, {}, itertools.count()

    def _post(self, path, text):
        """Submit a comment or reply whose text is unique; returns its id."""
        body = {"name": "Tester", "organisation": "Testi Oy", "email": "t@example.fi",
                "text": text}
        assert self.client.post(path, json=body).status_code == 202
        with self.app.app_context():
            return db.session.scalar(sa.select(Comment.id).where(Comment.body == text))

    def _submitted(self, comment_id, text, parent=None):
        self.status[comment_id], self.parent[comment_id] = "unconfirmed", parent
        self.texts[comment_id] = text
        return comment_id

    @rule(target=unconfirmed)
    def submit(self):
        text = f"comment-{self.topic_id}-{next(self.numbers)}"
        return self._submitted(self._post(f"/api/v1/topics/{self.topic_id}/comments", text),
                               text)

    @rule(target=unconfirmed, parent=approved)
    def reply(self, parent):
        text = f"reply-{self.topic_id}-{next(self.numbers)}"
        visible = self.visible(parent) and self.parent[parent] is None
        response = self.client.post(f"/api/v1/comments/{parent}/replies", json={
            "name": "Replier", "organisation": "Vastaus ry", "email": "r@example.fi",
            "text": text})
        if not visible:
            assert response.status_code == 404
            return multiple()  # nothing made: the bundle gets no comment
        assert response.status_code == 202
        with self.app.app_context():
            comment_id = db.session.scalar(sa.select(Comment.id).where(Comment.body == text))
        return self._submitted(comment_id, text, parent)

    @rule(target=pending, comment=consumes(unconfirmed))
    def confirm(self, comment):
        if comment is None:
            return multiple()  # nothing made: the bundle gets no comment
        token = self._token(self.texts[comment])
        assert self.client.post(f"/confirm/{token}").status_code == 200
        self.status[comment] = "pending"
        return comment

    def _token(self, text):
        """The confirmation token emailed for the comment with ``text``."""
        [url] = [p["context"]["confirm_url"] for p in self.outbox("notify.send_email")
                 if p["template"] == "comment_confirm" and p["context"]["excerpt"] == text]
        return url.rsplit("/", 1)[1]

    @rule(target=approved, comment=consumes(pending))
    def approve(self, comment):
        with self.app.app_context():
            moderation.approve(comment, MODERATOR)
            db.session.commit()
        self.status[comment] = "approved"
        return comment

    @rule(comment=consumes(pending))
    def reject(self, comment):
        with self.app.app_context():
            moderation.reject(comment, MODERATOR, "Not on topic")
            db.session.commit()
        self.status[comment] = "rejected"

    @rule(comment=approved)
    def report(self, comment):
        response = self.client.post(f"/api/v1/comments/{comment}/reports", json={"reason": "spam"})
        assert response.status_code == (202 if self.visible(comment) else 404)

    @rule(comment=consumes(approved))
    def hide(self, comment):
        with self.app.app_context():
            moderation.hide(comment, MODERATOR, "Reported and checked")
            db.session.commit()
        self.status[comment] = "hidden"

    def visible(self, comment):
        """The model: approved, and a reply only under a visible approved parent."""
        parent = self.parent[comment]
        return self.status[comment] == "approved" and (parent is None or self.visible(parent))

    @invariant()
    def only_approved_comments_are_public(self):
        threads = self.client.get(f"/api/v1/topics/{self.topic_id}/comments").json
        shown = {t["id"] for t in threads} | {r["id"] for t in threads for r in t["replies"]}
        expected = {c for c in self.status if self.visible(c)}
        assert shown == expected
        page = self.client.get(f"/topics/{self.topic_id}").get_data(as_text=True)
        on_page = set(re.findall(rf"(?:comment|reply)-{self.topic_id}-\d+", page))
        assert on_page == {self.texts[c] for c in expected}


@pytest.mark.slow
def test_a_comment_that_is_not_approved_never_appears_publicly(app, client, create_forum, outbox):
    bound = type("BoundCommentLife", (CommentLife,), {"env": (app, client, create_forum, outbox)})
    run_state_machine_as_test(
        bound,
        settings=settings(max_examples=15, stateful_step_count=15, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow]))
