"""The moderation audit trail is append-only: the database and the ORM refuse changes."""

import pytest
import sqlalchemy as sa

from services.feedback import moderation
from services.feedback.models import (
    AuditTrailIsAppendOnly,
    CommentStatus,
    ModerationDecision,
    db,
)
from tests.feedback.moderating import MODERATOR, decisions


@pytest.fixture
def decided(app, create_forum, create_comment):
    """A comment approved by MODERATOR; returns the decision's id."""
    cid = create_comment(create_forum()[0], status=CommentStatus.PENDING)
    with app.app_context():
        decision = moderation.approve(cid, MODERATOR)
        db.session.commit()
        return decision.id


@pytest.mark.parametrize("statement", [
    "UPDATE moderation_decisions SET reason = 'rewritten'",
    "UPDATE moderation_decisions SET moderator_email = 'someone@else.fi' WHERE id = :id",
    "DELETE FROM moderation_decisions WHERE id = :id",
    "DELETE FROM moderation_decisions",
])
def test_the_database_refuses_to_update_or_delete_a_decision(app, decided, statement):
    before = decisions(app)
    with app.app_context(), db.engine.connect() as conn, pytest.raises(sa.exc.DatabaseError) as err:
        conn.execute(sa.text(statement), {"id": decided})
    assert "append-only" in str(err.value)
    assert decisions(app) == before


def test_the_database_refuses_deleting_a_decided_comment(app, decided):
    # the comments row cascades to its decisions: the trigger stops that too
    with app.app_context(), db.engine.begin() as conn, pytest.raises(sa.exc.DatabaseError):
        if conn.dialect.name == "sqlite":
            conn.execute(sa.text("PRAGMA foreign_keys = ON"))
        conn.execute(sa.text("DELETE FROM comments"))
    assert len(decisions(app)) == 1


def test_the_database_still_takes_new_decisions(app, decided):
    with app.app_context(), db.engine.begin() as conn:
        conn.execute(sa.text(
            "INSERT INTO moderation_decisions (comment_id, action, reason, moderator_id, "
            "moderator_email, decided_at) SELECT comment_id, 'hide', 'later', 1, 'x@y.fi', "
            "decided_at FROM moderation_decisions"))
    assert len(decisions(app)) == 2


def test_the_orm_refuses_to_change_or_delete_a_decision(app, decided):
    with app.app_context():
        row = db.session.get(ModerationDecision, decided)
        row.reason = "rewritten"
        with pytest.raises(AuditTrailIsAppendOnly):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.get(ModerationDecision, decided))
        with pytest.raises(AuditTrailIsAppendOnly):
            db.session.flush()
        db.session.rollback()
    assert decisions(app)[0][2] == ""
