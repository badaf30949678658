"""Follow-ups through the secretary's page: a save is logged, bad input changes nothing."""

import re

import pytest

from services.memo.models import FollowUp, FollowUpUpdate, db
from tests.memo.builders import drafted_memo


@pytest.fixture
def ids(app):
    """(memo id, the first agenda item's follow-up id)."""
    with app.app_context():
        memo_id = drafted_memo()
        return memo_id, db.session.query(FollowUp.id).order_by(FollowUp.id).first()[0]


FORM = {"handling_body": "Regional government", "handled_on": "2027-01-15",
        "outcome": "The fees are indexed.", "decision_url": "https://county.example/decisions/7"}


def test_a_follow_up_is_saved_and_its_update_logged(app, ids, staff_client):
    memo_id, follow_up_id = ids
    client = staff_client("secretary")
    response = client.post(f"/staff/follow-ups/{follow_up_id}", data=FORM)
    assert response.status_code == 302
    page = client.get(f"/staff/memos/{memo_id}/follow-ups").get_data(as_text=True)
    assert "The follow-up of “Budget 2027” was saved." in page
    assert "handling_body: “–” → “Regional government”" in page
    with app.app_context():
        stored = db.session.get(FollowUp, follow_up_id)
        assert (stored.handling_body, stored.handled_on.isoformat(), stored.decision_url) == (
            "Regional government", "2027-01-15", "https://county.example/decisions/7")
        assert db.session.query(FollowUpUpdate).count() == 1


@pytest.mark.parametrize(("field", "value", "message"), [
    ("handled_on", "tomorrow", "Enter a valid date."),
    ("decision_url", "not a link", "Enter a valid web address."),
])
def test_bad_input_is_shown_next_to_the_field_and_saves_nothing(app, ids, staff_client, field,
                                                                value, message):
    _memo_id, follow_up_id = ids
    response = staff_client("secretary").post(f"/staff/follow-ups/{follow_up_id}",
                                              data={**FORM, field: value})
    assert response.status_code == 422
    page = re.sub(r"\s+", " ", response.get_data(as_text=True))
    assert f'<p class="field-error" id="fu{follow_up_id}-{field}-error"> {message}</p>' in page
    assert f'value="{value}"' in page  # what was typed stays in the form
    with app.app_context():
        assert db.session.get(FollowUp, follow_up_id).handling_body == ""
        assert db.session.query(FollowUpUpdate).count() == 0
