"""Review rounds: submit, approve, request changes; a new version starts a round without approvals."""

import pytest

from services.memo import review, rules, versions
from services.memo.errors import NotAllowed, NotAMember, WrongState
from services.memo.models import Memo, MemoState, RoundOutcome, db
from services.memo.queries import rounds
from shared.auth import Role
from shared.contracts import notify
from tests.memo.builders import drafted_memo, outbox, staff, working_group


@pytest.fixture
def setup(ctx):
    """A drafted memo, its secretary and a working group of five: (memo, secretary, members)."""
    secretary = staff(Role.SECRETARY)
    members = working_group(5)
    return db.session.get(Memo, drafted_memo(secretary=secretary)), secretary, members


def _state(memo):
    """The memo's state as stored."""
    db.session.expire_all()
    return db.session.get(Memo, memo.id).state


def test_submitting_emails_each_member_with_the_review_link(setup):
    memo, secretary, members = setup
    review.submit_for_review(memo, secretary)
    db.session.commit()
    assert _state(memo) == MemoState.IN_REVIEW
    asked = [p for p in outbox(notify.SEND_EMAIL) if p["template"] == "memo_review_requested"]
    assert sorted(p["to"] for p in asked) == sorted(u.email for u in members)
    assert {p["context"]["review_url"] for p in asked} == {
        f"http://localhost/memo/staff/memos/{memo.id}/review"}


def test_only_a_secretary_submits(setup):
    memo, _secretary, members = setup
    with pytest.raises(NotAllowed):
        review.submit_for_review(memo, members[0])


def test_majority_approves_and_not_before(setup):
    memo, secretary, members = setup
    review.submit_for_review(memo, secretary)
    for user in members[:2]:
        review.approve(memo.id, user)
    assert _state(memo) == MemoState.IN_REVIEW
    review.approve(memo.id, members[2])
    db.session.commit()
    assert _state(memo) == MemoState.APPROVED
    assert [h.action for h in db.session.get(Memo, memo.id).history][-1] == "approved"


def test_a_request_for_changes_resets_the_approvals(setup):
    memo, secretary, members = setup
    review.submit_for_review(memo, secretary)
    review.approve(memo.id, members[0])
    review.approve(memo.id, members[1])
    review.request_changes(memo.id, members[2], "Name the board.", paragraph=2)
    db.session.commit()
    assert _state(memo) == MemoState.CHANGES_REQUESTED
    with pytest.raises(WrongState):  # the round is over: no more sign-offs on that version
        review.approve(memo.id, members[3])
    db.session.rollback()
    memo = db.session.get(Memo, memo.id)
    versions.save_version(memo, memo.latest.body + "\nThe board is named.\n", secretary)
    review.submit_for_review(memo, secretary)
    review.approve(memo.id, members[0])
    review.approve(memo.id, members[1])
    db.session.commit()
    # two approvals in the new round: the earlier two do not carry over
    assert _state(memo) == MemoState.IN_REVIEW
    first, second = rounds(memo)
    assert first.outcome == RoundOutcome.CHANGES_REQUESTED and second.outcome == RoundOutcome.OPEN
    assert (first.sign_offs[2].comment, first.sign_offs[2].paragraph) == ("Name the board.", 2)
    assert [s.decision.value for s in second.sign_offs] == ["approve", "approve"]
    review.approve(memo.id, members[2])
    db.session.commit()
    assert _state(memo) == MemoState.APPROVED


def test_a_new_version_in_review_supersedes_the_round(setup):
    memo, secretary, members = setup
    review.submit_for_review(memo, secretary)
    review.approve(memo.id, members[0])
    versions.save_version(memo, "Another text.\n", secretary)
    db.session.commit()
    assert _state(memo) == MemoState.DRAFT
    assert rounds(memo)[0].outcome == RoundOutcome.SUPERSEDED


def test_a_member_signs_off_once_and_outsiders_not_at_all(setup):
    memo, secretary, members = setup
    review.submit_for_review(memo, secretary)
    review.approve(memo.id, members[0])
    with pytest.raises(WrongState):
        review.approve(memo.id, members[0])
    with pytest.raises(NotAMember):
        review.approve(memo.id, staff(Role.WORKING_GROUP))


def test_a_request_for_changes_needs_a_comment_and_a_real_paragraph(setup):
    memo, secretary, members = setup
    review.submit_for_review(memo, secretary)
    with pytest.raises(WrongState):
        review.request_changes(memo.id, members[0], "  ")
    with pytest.raises(WrongState):
        review.request_changes(memo.id, members[0], "This one.", paragraph=999)
    assert _state(memo) == MemoState.IN_REVIEW


@pytest.mark.parametrize(("rule", "count", "needed"), [
    ("majority", None, 3), ("all", None, 5), ("count", 2, 2), ("count", 9, 5)])
def test_each_approval_rule(make_app, rule, count, needed):
    app = make_app("memo", MEMO_APPROVAL_RULE=rule, MEMO_APPROVAL_COUNT=count or 3)
    with app.app_context():
        secretary = staff(Role.SECRETARY)
        members = working_group(5)
        memo = db.session.get(Memo, drafted_memo(secretary=secretary))
        assert rules.required_approvals(5) == needed
        review.submit_for_review(memo, secretary)
        for user in members[:needed - 1]:
            review.approve(memo.id, user)
        assert _state(memo) == MemoState.IN_REVIEW
        review.approve(memo.id, members[needed - 1])
        db.session.commit()
        assert _state(memo) == MemoState.APPROVED


@pytest.mark.parametrize("rule", ["majority", "all", "count"])
def test_an_open_request_for_changes_blocks_every_rule(make_app, rule):
    with make_app("memo", MEMO_APPROVAL_RULE=rule).app_context():
        assert rules.is_met(5, 0, 5)
        assert not any(rules.is_met(approvals, 1, 5) for approvals in range(6))
