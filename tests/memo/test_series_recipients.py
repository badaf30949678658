"""A forum's series gives its memo's default recipients and partners; memo follows the forum's
changes and cancellation (``event.changed``, ``event.cancelled``)."""

import datetime as dt
import uuid

import sqlalchemy as sa

from services.memo import drafting, forums, publishing, recipients, review, tasks
from services.memo.models import Delivery, Forum, db
from shared.auth import Role
from shared.contracts import ROUTES, SCHEMAS, events
from shared.db import utcnow
from tests.memo.builders import announcement, comment, outbox, staff, topics, working_group

SERIES = {"slug": "palveluntuottajafoorumi", "name": "Palveluntuottajafoorumi",
          "working_body": "Valmisteleva työryhmä", "newsletter_segment": "",
          "comment_window_days": 7, "recording_visible_days": 14,
          "memo_recipients": [
              {"name": "Elinvoimalautakunta", "email": "Elinvoima@County.example", "kind": "board"},
              {"name": "Aluehallitus", "email": "aluehallitus@county.example",
               "kind": "regional_government"}],
          "partners": [
              {"name": "Yrittäjäyhdistys", "email": "toimisto@yrittajat.example"},
              {"name": "Kauppakamari", "email": "info@kauppakamari.example"},
              {"name": "Presenter too", "email": "finance@county.example"}]}


def of_series(series=SERIES, **values):
    """A loaded ``event.published`` of forum 1 of ``series``."""
    return {**announcement(1, **values), "series": series}


def publish(payload):
    """Announce ``payload``, draft, approve and publish the memo; its deliveries in order."""
    secretary, members = staff(Role.SECRETARY), working_group(3)
    memo = drafting.draft(forums.sync_forum(payload), topics([comment(1)]), None, secretary)
    db.session.commit()
    review.submit_for_review(memo, secretary)
    for user in members[:2]:
        review.approve(memo.id, user)
    db.session.commit()
    publication = publishing.publish(memo.id, secretary)
    db.session.commit()
    return db.session.scalars(sa.select(Delivery).where(Delivery.publication_id == publication.id)
                              .order_by(Delivery.id)).all()


def board_list():
    """The recipient list's entries (the defaults of a forum whose series names none)."""
    recipients.add({"name": "Social and health board", "email": "board@county.example",
                    "kind": "board"})
    db.session.commit()


def test_the_series_recipients_and_partners_are_kept_on_the_forum(ctx):
    tasks.sync_forum(SCHEMAS[events.EVENT_PUBLISHED]().dump(of_series()))
    forum = db.session.get(Forum, 1)
    assert [r["email"] for r in forum.memo_recipients] == [
        "Elinvoima@County.example", "aluehallitus@county.example"]
    assert [p["name"] for p in forum.partners] == ["Yrittäjäyhdistys", "Kauppakamari",
                                                   "Presenter too"]


def test_the_series_recipients_replace_the_list_and_partners_get_the_memo(ctx):
    board_list()
    deliveries = publish(of_series())
    assert [(d.kind.value, d.email) for d in deliveries] == [
        ("board", "elinvoima@county.example"),
        ("regional_government", "aluehallitus@county.example"),
        ("other", "toimisto@yrittajat.example"), ("other", "info@kauppakamari.example"),
        ("other", "finance@county.example"),  # a partner first: each address once
        ("presenter", "procurement@county.example")]
    (payload,) = outbox(events.MEMO_PUBLISHED)
    loaded = SCHEMAS[events.MEMO_PUBLISHED]().load(payload)  # "other" is a valid kind
    assert [(r["kind"], r["email"]) for r in loaded["recipients"]] == [
        (d.kind.value, d.email) for d in deliveries]
    assert {"email": "info@kauppakamari.example", "name": "Kauppakamari",
            "kind": "other"} in loaded["recipients"]


def test_a_series_without_recipients_keeps_the_list_and_adds_its_partners(ctx):
    board_list()
    deliveries = publish(of_series({**SERIES, "memo_recipients": []}))
    assert [(d.kind.value, d.email) for d in deliveries][:3] == [
        ("board", "board@county.example"), ("other", "toimisto@yrittajat.example"),
        ("other", "info@kauppakamari.example")]


def test_a_forum_without_series_goes_to_the_list_and_the_presenters(ctx):
    board_list()
    deliveries = publish(of_series(None))
    assert [(d.kind.value, d.email) for d in deliveries] == [
        ("board", "board@county.example"), ("presenter", "finance@county.example"),
        ("presenter", "procurement@county.example")]


def test_a_later_announcement_without_partners_drops_them(ctx):
    forums.sync_forum(of_series())
    forums.sync_forum(of_series({**SERIES, "partners": []}))
    db.session.commit()
    assert db.session.get(Forum, 1).partners == []


def changed(occurred_at=None, **values):
    """A dumped ``event.changed`` of forum 1, moved a day later into a new hall."""
    start = (utcnow() - dt.timedelta(days=29)).replace(microsecond=0)
    return {"message_id": str(uuid.uuid4()),
            "occurred_at": (occurred_at or utcnow()).isoformat(), "event_id": 1, "kind": "forum",
            "title": "Autumn forum, moved", "starts_at": start.isoformat(),
            "ends_at": (start + dt.timedelta(hours=3)).isoformat(), "venue": "New hall",
            "url": "http://localhost/registration/events/1", "sequence": 2,
            "changed": ["starts_at", "venue"], "reason": "The hall was double-booked", **values}


def cancelled(event_id=1, kind="forum"):
    """A dumped ``event.cancelled``."""
    now = utcnow()
    return {"message_id": str(uuid.uuid4()), "occurred_at": now.isoformat(),
            "event_id": event_id, "kind": kind, "title": "Autumn provider forum",
            "starts_at": now.isoformat(), "ends_at": now.isoformat(),
            "url": f"http://localhost/registration/events/{event_id}", "sequence": 2,
            "reason": "No venue", "cancelled_at": now.isoformat()}


def window_closed(event_id=1):
    """A dumped ``feedback.window_closed`` of the forum."""
    return {"message_id": str(uuid.uuid4()), "occurred_at": utcnow().isoformat(),
            "event_id": event_id, "title": "Autumn provider forum",
            "closed_at": utcnow().isoformat(),
            "comments_url": f"http://localhost/feedback/api/v1/forums/{event_id}/comments",
            "topics": []}


def test_memo_listens_to_changes_and_cancellations():
    assert tasks.FOLLOW_EVENT_CHANGE in ROUTES[events.EVENT_CHANGED]
    assert tasks.CLOSE_CANCELLED_FORUM in ROUTES[events.EVENT_CANCELLED]


def test_a_changed_forum_moves_its_copy_once(ctx):
    forums.sync_forum(announcement(1, occurred_at=utcnow() - dt.timedelta(hours=1)))
    db.session.commit()
    payload = changed()
    assert tasks.follow_event_change(payload) == 1
    assert tasks.follow_event_change(payload) is None  # redelivered
    db.session.expire_all()  # the task committed in its own session
    forum = db.session.get(Forum, 1)
    assert (forum.title, forum.place) == ("Autumn forum, moved", "New hall")
    assert forum.starts_at.isoformat() == payload["starts_at"]


def test_an_older_change_or_an_unknown_forum_changes_nothing(ctx):
    forums.sync_forum(announcement(1))
    db.session.commit()
    assert tasks.follow_event_change(changed(utcnow() - dt.timedelta(days=1))) is None
    assert db.session.get(Forum, 1).title == "Autumn provider forum"
    assert tasks.follow_event_change({**changed(), "event_id": 9}) is None
    assert db.session.get(Forum, 9) is None


def test_a_cancelled_forum_gets_no_draft_and_ignores_later_announcements(ctx):
    forums.sync_forum(announcement(1, occurred_at=utcnow() - dt.timedelta(hours=1)))
    db.session.commit()
    assert tasks.close_cancelled_forum(cancelled()) == 1
    db.session.expire_all()  # the task committed in its own session
    assert db.session.get(Forum, 1).cancelled_at is not None
    assert tasks.draft_from_feedback(window_closed()) is None
    assert outbox(events.MEMO_DRAFTED) == []
    assert forums.sync_forum(announcement(1)) is None
    assert tasks.follow_event_change(changed()) is None


def test_a_cancellation_before_the_announcement_is_kept(ctx):
    assert tasks.close_cancelled_forum(cancelled(event_id=5)) == 5
    assert tasks.close_cancelled_forum(cancelled(event_id=6, kind="targeted")) is None
    assert db.session.get(Forum, 6) is None
    assert forums.sync_forum(announcement(5, occurred_at=utcnow() - dt.timedelta(days=1))) is None
