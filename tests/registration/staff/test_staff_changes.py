"""The staff pages that change a published event for everyone: the editor, cancelling, and the
late-agenda override. Bad input is answered next to its field, in the user's language, and
changes nothing."""

import datetime as dt
import re

import pytest

from services.registration.models import (
    AgendaItem,
    ChangeAction,
    Event,
    EventChange,
    EventStatus,
    OutboxMessage,
)
from shared.db import utcnow
from shared.testing.fixtures import login_as
from tests.registration.builders import add_event, add_item, add_registration, count, load
from tests.registration.staff.support import event_form, text


def local_day(days):
    """The Helsinki date ``days`` from now, as the editor takes it."""
    return (utcnow() + dt.timedelta(days=days)).astimezone(
        dt.timezone(dt.timedelta(hours=2))).strftime("%Y-%m-%d")


def moved(days, **changes):
    """An editor post moving the forum to ``days`` from now (same venue as ``add_event``)."""
    day = local_day(days)
    return event_form(title="Budget forum", theme="budget", venue="City hall",
                      onsite_capacity="10", remote_join_url="https://meet.example/j/secret-join-123",
                      starts_at=f"{day}T10:00", ends_at=f"{day}T13:00", **changes)


def error(response, field):
    """The message shown next to ``field``, or None."""
    found = re.search(rf'id="{field}-error">(.*?)</p>', text(response), re.S)
    return found and " ".join(found.group(1).split())


def topics(app):
    """The outbox topics written so far."""
    with app.app_context():
        from services.registration.models import db

        return [row.topic for row in db.session.query(OutboxMessage).order_by(OutboxMessage.id)]


@pytest.fixture
def forum(app):
    """A published forum three weeks ahead with an agenda item and a registrant."""
    event_id = add_event(app)
    add_item(app, event_id)
    add_registration(app, event_id)
    return event_id


# -- the editor


def test_the_editor_of_a_published_event_asks_why(app, client, forum):
    page = text(client.get(f"/staff/events/{forum}/edit"))
    assert 'name="change_reason"' in page and 'name="sequence" value="0"' in page
    assert 'name="override_reason"' not in page  # a secretary cannot override
    draft = add_event(app, status=EventStatus.DRAFT, published_at=None)
    assert 'name="change_reason"' not in text(client.get(f"/staff/events/{draft}/edit"))


def test_a_move_without_a_reason_is_refused_next_to_the_field(app, client, forum):
    before = load(app, Event, forum)
    response = client.post(f"/staff/events/{forum}/edit", data=moved(25, sequence="0"))
    assert response.status_code == 422
    assert "emailed to every registrant" in error(response, "change_reason")
    assert load(app, Event, forum).starts_at == before.starts_at and topics(app) == []


def test_a_move_with_a_reason_is_saved_and_told(app, client, forum):
    response = client.post(f"/staff/events/{forum}/edit", data=moved(
        25, sequence="0", change_reason="The hall is booked"))
    assert response.status_code == 302
    page = text(client.get(f"/staff/events/{forum}"))
    assert "1 registrant or invitee was emailed the change." in page
    assert "Changes told to the registrants" in page and "The hall is booked" in page
    assert topics(app) == ["event.changed", "notify.send_email", "event.published"]
    assert load(app, Event, forum).sequence == 1


def test_the_same_form_sent_twice_changes_once(app, client, forum):
    form = moved(25, sequence="0", change_reason="The hall is booked")
    assert client.post(f"/staff/events/{forum}/edit", data=form).status_code == 302
    again = client.post(f"/staff/events/{forum}/edit", data={**form, "venue": "Other hall"})
    assert again.status_code == 409 and "sent twice" in error(again, "change_reason")
    assert load(app, Event, forum).venue == "City hall"
    assert topics(app).count("event.changed") == 1


def test_html_in_a_reason_is_refused(app, client, forum):
    response = client.post(f"/staff/events/{forum}/edit", data=moved(
        25, sequence="0", change_reason="<b>Moved</b> <script>x()</script>"))
    assert response.status_code == 422
    assert error(response, "change_reason") == "Write plain text: HTML tags are not allowed."
    assert topics(app) == []


def test_a_secretary_cannot_move_a_forum_inside_the_lead_time(app, client, forum):
    response = client.post(f"/staff/events/{forum}/edit", data=moved(
        1, sequence="0", change_reason="Urgent"))
    assert response.status_code == 422
    assert "Only an administrator" in error(response, "starts_at")
    assert load(app, Event, forum).starts_at > utcnow() + dt.timedelta(days=20)


def test_an_admin_moves_it_inside_the_lead_time_with_a_recorded_override(app, admin, forum):
    assert 'name="override_reason"' in text(admin.get(f"/staff/events/{forum}/edit"))
    refused = admin.post(f"/staff/events/{forum}/edit", data=moved(
        1, sequence="0", change_reason="Urgent"))
    assert refused.status_code == 422 and "Give the reason" in error(refused, "override_reason")
    response = admin.post(f"/staff/events/{forum}/edit", data=moved(
        1, sequence="0", change_reason="The board meets tomorrow",
        override_reason="The decision cannot wait"))
    assert response.status_code == 302
    with app.app_context():
        from services.registration.models import db

        (change,) = db.session.query(EventChange).all()
        db.session.expunge(change)
    assert change.override_reason == "The decision cannot wait"
    assert change.changed_by.startswith("staff") and change.action == ChangeAction.CHANGED
    page = text(admin.get(f"/staff/events/{forum}"))
    assert "Lead time overridden: The decision cannot wait" in page


def test_errors_are_in_the_users_language(app, forum):
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "fi"
    login_as(app, client, "secretary")
    response = client.post(f"/staff/events/{forum}/edit", data=moved(25, sequence="0"))
    assert response.status_code == 422
    assert error(response, "change_reason").startswith("Kerro syy")
    response = client.post(f"/staff/events/{forum}/cancel", data={"reason": "<i>x</i>",
                                                                 "confirm": "y"})
    assert "HTML" in error(response, "reason") and "Kirjoita" in error(response, "reason")


# -- cancelling


def test_cancelling_is_no_longer_one_click(app, client, forum):
    page = text(client.get(f"/staff/events/{forum}"))
    assert f'href="/staff/events/{forum}/cancel"' in page
    assert f'action="/staff/events/{forum}/cancel"' not in page
    confirm = client.get(f"/staff/events/{forum}/cancel")
    assert confirm.status_code == 200
    page = text(confirm)
    assert 'name="reason"' in page and 'name="confirm"' in page and 'name="sequence"' in page
    assert "1 registrant or invitee will be emailed" in page
    assert load(app, Event, forum).status == EventStatus.PUBLISHED


@pytest.mark.parametrize(("data", "field", "message"), [
    ({"confirm": "y"}, "reason", "Give the reason"),
    ({"reason": "   ", "confirm": "y"}, "reason", "Give the reason"),
    ({"reason": "No venue"}, "confirm", "Tick the box"),
    ({"reason": "<a href='x'>No</a>", "confirm": "y"}, "reason", "HTML tags are not allowed"),
    ({"reason": "No\x00venue", "confirm": "y"}, "reason", "characters that are not allowed"),
    ({"reason": "x" * 2001, "confirm": "y"}, "reason", "at most 2000"),
])
def test_bad_cancellations_change_nothing(app, client, forum, data, field, message):
    response = client.post(f"/staff/events/{forum}/cancel", data=data)
    assert response.status_code == 422 and message in error(response, field)
    assert load(app, Event, forum).status == EventStatus.PUBLISHED and topics(app) == []


def test_a_cancellation_is_told_and_a_second_one_refused(app, client, forum):
    form = {"reason": "Too few registrations", "confirm": "y", "sequence": "0"}
    assert client.post(f"/staff/events/{forum}/cancel", data=form).status_code == 302
    assert load(app, Event, forum).status == EventStatus.CANCELLED
    assert topics(app) == ["event.cancelled", "notify.send_email"]
    again = client.post(f"/staff/events/{forum}/cancel", data=form)
    assert again.status_code == 409 and "already cancelled" in error(again, "reason")
    assert len(topics(app)) == 2
    public = app.test_client()
    public.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = text(public.get(f"/events/{forum}"))
    assert "This event has been cancelled." in page and "Too few registrations" in page


def test_unknown_events_are_not_found(client):
    assert client.get("/staff/events/999999/cancel").status_code == 404
    assert client.post("/staff/events/999999/cancel", data={"reason": "x",
                                                            "confirm": "y"}).status_code == 404
    assert client.post("/staff/events/999999/late-agenda",
                       data={"override_reason": "x"}).status_code == 404


# -- the agenda inside the lead time


def test_late_agenda_changes_need_an_admins_recorded_override(app, client, admin):
    event_id = add_event(app, starts_at=utcnow() + dt.timedelta(days=3))
    item_id = add_item(app, event_id)
    page = text(client.get(f"/staff/events/{event_id}"))
    assert "Less than 7 days to the start" in page and "Ask an administrator" in page
    refused = client.post(f"/staff/events/{event_id}/agenda", data={"item_title": "Late item"})
    assert refused.status_code == 422 and "less than 7 days" in error(refused, "late_agenda")
    edited = client.post(f"/staff/agenda/{item_id}/edit", data={"item_title": "Renamed"})
    assert edited.status_code == 422 and error(edited, "late_agenda")
    assert count(app, AgendaItem) == 1 and load(app, AgendaItem, item_id).title == "Budget 2027"
    secretary_override = client.post(f"/staff/events/{event_id}/late-agenda",
                                     data={"override_reason": "Me"})
    assert secretary_override.status_code == 422
    assert "Only an administrator" in error(secretary_override, "late_agenda")

    blank = admin.post(f"/staff/events/{event_id}/late-agenda", data={"override_reason": " "})
    assert blank.status_code == 422 and error(blank, "override_reason")
    html = admin.post(f"/staff/events/{event_id}/late-agenda",
                      data={"override_reason": "<img src=x>"})
    assert html.status_code == 422 and "HTML" in error(html, "override_reason")
    assert admin.post(f"/staff/events/{event_id}/late-agenda", data={
        "override_reason": "The board added a matter"}).status_code == 302
    again = admin.post(f"/staff/events/{event_id}/late-agenda",
                       data={"override_reason": "Again"})
    assert again.status_code == 422 and "already recorded" in error(again, "override_reason")
    assert count(app, EventChange) == 1

    added = client.post(f"/staff/events/{event_id}/agenda", data={"item_title": "Late item"})
    assert added.status_code == 302 and count(app, AgendaItem) == 2
    assert "The board added a matter" in text(client.get(f"/staff/events/{event_id}"))


def test_publishing_an_empty_agenda_is_refused_next_to_the_agenda(app, client):
    event_id = add_event(app, status=EventStatus.DRAFT, published_at=None)
    response = client.post(f"/staff/events/{event_id}/publish")
    assert response.status_code == 422
    assert "at least one agenda item" in error(response, "agenda")
    assert load(app, Event, event_id).status == EventStatus.DRAFT and topics(app) == []


# -- the recording


def test_a_recording_waits_until_the_forum_is_held(app, client):
    event_id = add_event(app)
    assert "once the forum has been held" in text(client.get(f"/staff/events/{event_id}"))
    response = client.post(f"/staff/events/{event_id}/recording",
                           data={"recording_url": "https://video.example/r"})
    assert response.status_code == 409
    assert "once the forum has been held" in error(response, "recording_url")
    assert load(app, Event, event_id).recording_url is None and topics(app) == []


def test_replacing_the_recording_keeps_its_publication_time(app, client):
    event_id = add_event(app, starts_at=utcnow() - dt.timedelta(days=2))
    client.post(f"/staff/events/{event_id}/recording", data={"recording_url": "https://v.example/1"})
    first = load(app, Event, event_id).recording_published_at
    assert "keeps the viewing period" in text(client.get(f"/staff/events/{event_id}"))
    client.post(f"/staff/events/{event_id}/recording", data={"recording_url": "https://v.example/2"})
    event = load(app, Event, event_id)
    assert event.recording_url == "https://v.example/2" and event.recording_published_at == first
