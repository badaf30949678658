"""Publication: only an approved version, only by a secretary; deliveries; corrections; follow-ups."""

import datetime as dt

import pytest

from services.memo import followups, publishing, recipients, review
from services.memo.errors import NotAllowed, WrongState
from services.memo.models import Delivery, FollowUp, Memo, MemoState, Publication, db
from shared.auth import Role
from shared.contracts import SCHEMAS, events
from tests.memo.builders import drafted_memo, outbox, staff, working_group


@pytest.fixture
def setup(ctx):
    """(memo, secretary, members): a drafted memo and a working group of three."""
    secretary = staff(Role.SECRETARY)
    members = working_group(3)
    return db.session.get(Memo, drafted_memo(secretary=secretary)), secretary, members


def approved(memo, secretary, members):
    """Submit the memo and have two of three approve it."""
    review.submit_for_review(memo, secretary)
    for user in members[:2]:
        review.approve(memo.id, user)
    db.session.commit()


def test_publication_is_refused_without_approval(setup):
    memo, secretary, members = setup
    with pytest.raises(WrongState):
        publishing.publish(memo.id, secretary)
    review.submit_for_review(memo, secretary)
    review.approve(memo.id, members[0])
    with pytest.raises(WrongState):
        publishing.publish(memo.id, secretary)
    assert db.session.get(Memo, memo.id).publications == []
    assert outbox(events.MEMO_PUBLISHED) == []


def test_publication_is_refused_to_a_non_secretary(setup):
    memo, secretary, members = setup
    approved(memo, secretary, members)
    for roles in [(Role.WORKING_GROUP,), (Role.MODERATOR,), (Role.COMMUNICATIONS,)]:
        with pytest.raises(NotAllowed):
            publishing.publish(memo.id, staff(*roles))
    assert db.session.get(Memo, memo.id).state == MemoState.APPROVED


def test_publishing_delivers_to_the_list_and_the_presenters(setup):
    memo, secretary, members = setup
    recipients.add({"name": "Social and health board", "email": "Board@County.example",
                    "kind": "board"})
    recipients.add({"name": "Regional government", "email": "government@county.example",
                    "kind": "regional_government"})
    approved(memo, secretary, members)
    publishing.publish(memo.id, secretary)
    db.session.commit()
    memo = db.session.get(Memo, memo.id)
    assert memo.state == MemoState.PUBLISHED
    assert {(d.kind.value, d.email, d.status.value) for d in db.session.query(Delivery)} == {
        ("board", "board@county.example", "pending"),
        ("regional_government", "government@county.example", "pending"),
        ("presenter", "finance@county.example", "pending"),
        ("presenter", "procurement@county.example", "pending")}
    [payload] = outbox(events.MEMO_PUBLISHED)
    loaded = SCHEMAS[events.MEMO_PUBLISHED]().load(payload)
    assert loaded["kind"] == "published" and loaded["url"] == f"http://localhost/memo/memos/{memo.id}"
    assert len(loaded["recipients"]) == 4
    assert [h.action for h in memo.history][-1] == "published"


def test_a_correction_goes_through_review_and_keeps_the_earlier_publication(setup):
    memo, secretary, members = setup
    approved(memo, secretary, members)
    first = publishing.publish(memo.id, secretary)
    db.session.commit()
    publishing.correct(memo.id, "# Corrected memo\n", secretary)
    db.session.commit()
    assert db.session.get(Memo, memo.id).state == MemoState.DRAFT
    with pytest.raises(WrongState):  # not approved yet
        publishing.publish(memo.id, secretary)
    db.session.rollback()
    approved(db.session.get(Memo, memo.id), secretary, members)
    second = publishing.publish(memo.id, secretary)
    db.session.commit()
    memo = db.session.get(Memo, memo.id)
    assert memo.state == MemoState.CORRECTED
    assert [(p.kind.value, p.corrects_id) for p in memo.publications] == [
        ("published", None), ("corrected", first.id)]
    assert db.session.get(Publication, first.id).version.number == 1
    assert second.version.body == "# Corrected memo\n"
    assert [p["kind"] for p in outbox(events.MEMO_PUBLISHED)] == ["published", "corrected"]


def test_follow_ups_change_after_publication_without_review_and_are_logged(setup):
    memo, secretary, members = setup
    approved(memo, secretary, members)
    publishing.publish(memo.id, secretary)
    follow_up = db.session.query(FollowUp).filter_by(memo_id=memo.id).first()
    entry = followups.update(follow_up, {"handling_body": "Regional government",
                                         "handled_on": dt.date(2027, 1, 20)}, secretary)
    db.session.commit()
    assert entry.after_publication is True
    assert entry.changes == {"handling_body": ["", "Regional government"],
                             "handled_on": [None, "2027-01-20"]}
    assert followups.update(follow_up, {"handling_body": "Regional government"}, secretary) is None
    memo = db.session.get(Memo, memo.id)
    assert memo.state == MemoState.PUBLISHED
    assert memo.history[-1].action == "follow_up_updated"
    with pytest.raises(NotAllowed):
        followups.update(follow_up, {"outcome": "x"}, members[0])
