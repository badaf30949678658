"""An update of a published memo's follow-up writes ``memo.follow_up_updated``; a draft's none."""

import datetime as dt

import sqlalchemy as sa

from services.memo import followups
from services.memo.models import FollowUp, OutboxMessage, db
from shared.auth import Role
from shared.contracts import events
from tests.memo.builders import drafted_memo, staff
from tests.memo.published import published_memo

DATA = {"handling_body": "Regional government", "handled_on": dt.date(2027, 1, 15),
        "outcome": "The fees are indexed.", "decision_url": "https://county.example/decisions/7"}


def _updates():
    return db.session.scalars(sa.select(OutboxMessage.payload).where(
        OutboxMessage.topic == events.MEMO_FOLLOW_UP_UPDATED)).all()


def _first_follow_up(memo_id):
    return db.session.scalars(sa.select(FollowUp).where(FollowUp.memo_id == memo_id)
                              .order_by(FollowUp.id)).first()


def test_an_update_after_publication_writes_one_message(app):
    with app.app_context():
        memo_id, publication_id, secretary, _ = published_memo()
        follow_up = _first_follow_up(memo_id)
        followups.update(follow_up, DATA, secretary)
        db.session.commit()
        [payload] = _updates()
        assert (payload["memo_id"], payload["publication_id"], payload["handled_on"]) == (
            memo_id, publication_id, "2027-01-15")
        assert payload["agenda_item_title"] == follow_up.agenda_item.title
        assert payload["handling_body"] == "Regional government"


def test_an_update_of_a_drafts_follow_up_writes_none(app):
    with app.app_context():
        secretary = staff(Role.SECRETARY)
        memo_id = drafted_memo(secretary=secretary)
        followups.update(_first_follow_up(memo_id), DATA, secretary)
        db.session.commit()
        assert _updates() == []
