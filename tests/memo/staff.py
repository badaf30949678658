"""Helpers of the memo staff page tests: logging in a builder's user, a memo in review."""

from services.memo import review
from services.memo.models import Memo, db
from shared.auth import Role
from tests.memo.builders import drafted_memo, staff, working_group
from tests.registration.builders import english


def client_of(app, user):
    """An English client logged in as ``user`` (a builders' staff user, password "pw")."""
    client = english(app)
    response = client.post("/staff/login", data={"email": user.email, "password": "pw"})
    assert response.status_code == 302, response.data
    return client


def memo_in_review(app, members=3):
    """A drafted memo sent to a working group of ``members``: (memo id, secretary, member users)."""
    with app.app_context():
        users = working_group(members)
        secretary = staff(Role.SECRETARY)
        memo_id = drafted_memo(secretary=secretary)
        review.submit_for_review(db.session.get(Memo, memo_id), secretary)
        db.session.commit()
    return memo_id, secretary, users
