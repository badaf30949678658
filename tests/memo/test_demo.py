"""The memo demo: the term's working group, the recipient list, a memo in review with one
approval and a published one with its deliveries and a follow-up, made once."""

from collections import Counter

import sqlalchemy as sa

from services.memo import composition, demo, forums, review, versions
from services.memo.models import (
    Delivery,
    DeliveryStatus,
    FollowUpUpdate,
    GroupMember,
    Memo,
    MemoState,
    OutboxMessage,
    Recipient,
    RoundOutcome,
    db,
)
from shared import auth
from shared.contracts import events
from tests.memo.builders import announcement, comment, topics
from tests.memo.staff import client_of


def _demo_staff():
    """The demo's secretary and working-group logins (``foorumi.demo`` makes them first)."""
    for email, role in ((demo.SECRETARY_LOGIN, "secretary"),
                        (demo.WORKING_GROUP_LOGIN, "working_group")):
        auth.create_user(email, email.split("@")[0].title(), "pw", [role])
    auth.accounts_db.session.commit()


def _forums():
    """Two held forums as announced: 40 days ago (id 1) and 5 days ago (id 2)."""
    forums.sync_forum(announcement(1, days_ago=40))
    later = [{"id": 21, "position": 1, "title": "Wellbeing report", "presenter_name": "Helena"}]
    forums.sync_forum(announcement(2, days_ago=5, agenda=later))
    db.session.commit()


def _seed(answers=None):
    """Run the seed and commit; its summary."""
    summary = demo.seed(answers=answers)
    db.session.commit()
    return summary


def test_the_demo_makes_the_group_the_list_and_two_memos_once(ctx):
    _demo_staff()
    _forums()
    event = {"id": 2, "kind": "forum", "venue": "Aluetalo", "onsite_confirmed": 3,
             "remote_registered": 1, "checked_in": 2}
    answers = {2: ({"topics": topics([comment(1, "Hoiva Oy"), comment(2, "Apu ry")])}, event)}
    assert _seed(answers) == {"working group members added": 7, "memo recipients added": 3,
                              "memos created": 2}
    assert _seed(answers) == {}
    assert db.session.scalar(sa.select(sa.func.count(Memo.id))) == 2

    in_review = db.session.scalar(sa.select(Memo).where(Memo.forum_id == 2))
    assert in_review.state == MemoState.IN_REVIEW and in_review.comment_count == 2
    assert in_review.forum.place == "Aluetalo" and in_review.attendance["checked_in"] == 2
    assert demo.NOTES in in_review.latest.body and "Hoiva Oy" in in_review.latest.body
    approvals, changes, members = review.tally(_open_round(in_review))
    assert (approvals, changes, members) == (1, 0, 7)

    published = db.session.scalar(sa.select(Memo).where(Memo.forum_id == 1))
    assert published.state == MemoState.PUBLISHED and published.publication is not None
    kinds = Counter(d.kind.value for d in db.session.scalars(sa.select(Delivery)))
    assert kinds == {"board": 2, "regional_government": 1, "presenter": 2}
    assert {d.status for d in db.session.scalars(sa.select(Delivery))} == {DeliveryStatus.SENT}
    update = db.session.scalar(sa.select(FollowUpUpdate))
    assert update.after_publication and update.changes["handling_body"][1]
    message = db.session.scalar(sa.select(OutboxMessage).where(
        OutboxMessage.topic == events.MEMO_PUBLISHED))
    assert message.sent_at is not None  # the demo delivered it: notify sends no copies


def _open_round(memo):
    """The memo's open review round."""
    current = versions.open_round(memo)
    assert current is not None and current.outcome == RoundOutcome.OPEN
    return current


def test_the_group_spans_the_settings_and_the_list_has_the_government(ctx):
    _seed()
    members = db.session.scalars(sa.select(GroupMember)).all()
    assert {m.term.label for m in members} == {"2025–2029"}
    assert composition.gaps(members) == {"industry": [], "company_size": [], "region": []}
    kinds = Counter(r.kind.value for r in db.session.scalars(sa.select(Recipient)))
    assert kinds == {"board": 2, "regional_government": 1}
    assert db.session.scalar(sa.select(sa.func.count(Memo.id))) == 0  # no secretary, no forums


def test_the_demo_working_group_login_sees_the_memo_in_its_queue(app):
    with app.app_context():
        _demo_staff()
        _forums()
        _seed()
        user = auth.accounts_db.session.scalar(sa.select(auth.StaffUser).where(
            auth.StaffUser.email == demo.WORKING_GROUP_LOGIN))
        title = db.session.scalar(sa.select(Memo).where(Memo.forum_id == 2)).forum.title
    queue = client_of(app, user).get("/staff/reviews")
    assert queue.status_code == 200
    assert title in queue.get_data(as_text=True)
