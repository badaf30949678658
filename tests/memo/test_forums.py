"""memo's copy of the forum: from announcements, or from registration's public API."""

import datetime as dt

from services.memo import drafting, forums, publishing
from services.memo.models import Forum, db
from shared.db import utcnow
from tests.memo.builders import announcement, comment, topics


def public_event(event_id=1):
    """registration's public event detail: the agenda without the presenters' addresses."""
    starts = utcnow() - dt.timedelta(days=30)
    return {"id": event_id, "kind": "forum", "title": "Autumn provider forum",
            "url": f"http://localhost/registration/events/{event_id}",
            "starts_at": starts.isoformat(), "ends_at": (starts + dt.timedelta(hours=3)).isoformat(),
            "venue": "Town hall",
            "agenda": [{"id": 11, "position": 1, "title": "Budget 2027",
                        "presenter_name": "Finance director"}]}


def test_a_forum_made_from_the_public_api_has_no_presenter_addresses(ctx):
    forum = forums.from_registration(public_event())
    db.session.commit()
    assert [item.presenter_email for item in forum.agenda] == [""]


def test_announcing_again_gives_an_older_forum_its_presenters(ctx):
    forums.from_registration(public_event())
    db.session.commit()
    forums.sync_forum(announcement(1))
    db.session.commit()
    forum = db.session.get(Forum, 1)
    assert [item.presenter_email for item in forum.agenda] == [
        "finance@county.example", "procurement@county.example"]
    assert forum.place == "Town hall"


def test_an_older_announcement_does_not_undo_a_newer_one(ctx):
    forums.sync_forum(announcement(1, agenda=[], occurred_at=utcnow()))
    forums.sync_forum(announcement(1, occurred_at=utcnow() - dt.timedelta(days=2)))
    db.session.commit()
    assert db.session.get(Forum, 1).agenda == []


def test_the_presenters_from_the_announcement_are_memo_recipients(ctx):
    forum = forums.from_registration(public_event())
    memo = drafting.draft(forum, topics([comment(1)]), None, None)
    db.session.commit()
    assert publishing.recipients(memo) == []
    forums.sync_forum(announcement(1))
    db.session.commit()
    assert [(kind.value, email) for kind, _name, email, _id in publishing.recipients(memo)] == [
        ("presenter", "finance@county.example"), ("presenter", "procurement@county.example")]
