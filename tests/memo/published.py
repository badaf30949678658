"""A published memo for the public-side tests: drafted, approved by two of three, published."""

from services.memo import publishing, recipients, review
from services.memo.models import Memo, db
from shared.auth import Role
from tests.memo.builders import comment, drafted_memo, staff, topics, working_group


def published_memo(event_id=1, feedback_topics=None, with_list=True):
    """(memo id, publication id, secretary, approving members), committed (in an app context)."""
    secretary = staff(Role.SECRETARY)
    members = working_group(3)
    memo_id = drafted_memo(event_id, feedback_topics or topics([comment(1)], [comment(2)]),
                           secretary=secretary)
    if with_list:
        recipients.add({"name": "Social and health board", "email": "board@county.example",
                        "kind": "board"})
        recipients.add({"name": "Regional government", "email": "government@county.example",
                        "kind": "regional_government"})
    review.submit_for_review(db.session.get(Memo, memo_id), secretary)
    for user in members[:2]:
        review.approve(memo_id, user)
    db.session.commit()
    publication = publishing.publish(memo_id, secretary)
    db.session.commit()
    return memo_id, publication.id, secretary, members[:2]


def corrected(memo_id, secretary, members, body="# Memo: corrected\n\nThe corrected text.\n"):
    """Correct the published memo, approve and publish the correction; its publication id."""
    publishing.correct(memo_id, body, secretary)
    db.session.commit()
    review.submit_for_review(db.session.get(Memo, memo_id), secretary)
    for user in members:
        review.approve(memo_id, user)
    db.session.commit()
    publication = publishing.publish(memo_id, secretary)
    db.session.commit()
    return publication.id
