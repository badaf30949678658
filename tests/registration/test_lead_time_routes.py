"""No route makes a forum's agenda public less than the policy's 7 days ahead without a recorded
override: not the publish form, not the editor moving a published forum, not the agenda forms
or the material upload, not the staff JSON API, and the public API has no route that writes.

Before issue 14 the editor moved a published forum to tomorrow and the agenda forms took new
items three days ahead, with no check and nothing recorded.
"""

import datetime as dt
import io

import sqlalchemy as sa

from services.registration import policy
from services.registration.models import AgendaItem, Event, EventStatus, Material, OutboxMessage, db
from shared.db import utcnow
from shared.testing.fixtures import login_as
from tests.registration.builders import (
    PDF,
    add_event,
    add_item,
    english,
    fast_passwords,  # noqa: F401 - a fixture
    load,
)
from tests.registration.staff.support import event_form

PUBLIC_TOPICS = ("event.published", "event.changed")


def day(days):
    """(Helsinki date string, UTC start) ``days`` from now, for forms and the API."""
    start = (utcnow() + dt.timedelta(days=days)).replace(microsecond=0)
    return start.astimezone(dt.timezone(dt.timedelta(hours=2))).strftime("%Y-%m-%d"), start


def form_move(days, **extra):
    """The editor's post moving ``add_event``'s forum ``days`` ahead."""
    local, _ = day(days)
    return event_form(title="Budget forum", theme="budget", venue="City hall",
                      onsite_capacity="10", remote_join_url="https://meet.example/j/secret-join-123",
                      starts_at=f"{local}T10:00", ends_at=f"{local}T13:00", sequence="0", **extra)


def api_move(days, **extra):
    """The API's body moving a forum ``days`` ahead."""
    _, start = day(days)
    return {"starts_at": start.isoformat(), "ends_at": (start + dt.timedelta(hours=3)).isoformat(),
            "sequence": 0, "change_reason": "Moved", **extra}


def upload():
    """A material upload's form data."""
    return {"file": (io.BytesIO(PDF), "late.pdf")}


def snapshot(app, event_id):
    """What the public could see of the event: status, start, agenda, material, messages."""
    with app.app_context():
        event = db.session.get(Event, event_id)
        return (event.status, event.starts_at, [i.title for i in event.agenda_items],
                db.session.scalar(sa.select(sa.func.count(Material.id))),
                db.session.scalars(sa.select(OutboxMessage.topic)
                                   .where(OutboxMessage.topic.in_(PUBLIC_TOPICS))).all())


def routes(app, event_id, item_id):
    """(name, event whose agenda is meant, call(client, with_override)) of every writing route.

    ``with_override`` adds an admin's override reason where the route takes one.
    """
    def post(path, data=None, **kwargs):
        return lambda c, why: c.post(path, data=data, **kwargs)

    draft = add_event(app, status=EventStatus.DRAFT, published_at=None,
                      starts_at=utcnow() + dt.timedelta(days=3))
    add_item(app, draft)
    api_draft = add_event(app, status=EventStatus.DRAFT, published_at=None,
                          starts_at=utcnow() + dt.timedelta(days=3))
    add_item(app, api_draft)
    far, api_far = add_event(app), add_event(app)
    for event in (far, api_far):
        add_item(app, event)
    return [
        ("publish form", draft, lambda c, why: c.post(
            f"/staff/events/{draft}/publish", data={"override_reason": why} if why else {})),
        ("publish API", api_draft, lambda c, why: c.post(
            f"/api/v1/staff/events/{api_draft}/publish", json={"override_reason": why} if why
            else {})),
        ("editor move", far, lambda c, why: c.post(
            f"/staff/events/{far}/edit", data=form_move(2, change_reason="Moved",
                                                       **({"override_reason": why} if why
                                                          else {})))),
        ("API move", api_far, lambda c, why: c.patch(
            f"/api/v1/staff/events/{api_far}", json=api_move(2, **({"override_reason": why}
                                                                   if why else {})))),
        ("add item form", event_id, post(f"/staff/events/{event_id}/agenda",
                                         {"item_title": "Late item"})),
        ("edit item form", event_id, post(f"/staff/agenda/{item_id}/edit",
                                          {"item_title": "Rewritten late"})),
        ("material upload", event_id, lambda c, why: c.post(
            f"/staff/agenda/{item_id}/materials", data=upload(),
            content_type="multipart/form-data")),
        ("add item API", event_id, lambda c, why: c.post(
            f"/api/v1/staff/events/{event_id}/agenda", json={"title": "Late by API"})),
    ]


def test_no_route_publishes_an_agenda_late_without_a_recorded_override(app):
    event_id = add_event(app, starts_at=utcnow() + dt.timedelta(days=3))
    item_id = add_item(app, event_id)
    secretary, admin = english(app), english(app)
    login_as(app, secretary, "secretary")
    login_as(app, admin, "admin")
    table = routes(app, event_id, item_id)

    for name, target, call in table:
        before = snapshot(app, target)
        for client, why in ((secretary, None), (secretary, "I say so"), (admin, None)):
            response = call(client, why)
            assert response.status_code in (409, 422), (name, response.status_code)
            assert snapshot(app, target) == before, name

    public = app.test_client()
    for method in ("post", "put", "patch", "delete"):  # the public API writes no event
        assert getattr(public, method)(f"/api/v1/events/{event_id}", json={}).status_code == 405

    # with the override recorded, each route goes through, and the override says who and why
    for name, target, call in table:
        if target == event_id:
            break
        assert call(admin, "The board's schedule").status_code in (200, 302), name
        event = load(app, Event, target)
        overrides = [event.publish_override_by] if event.publish_override_reason else []
        with app.app_context():
            event = db.session.get(Event, target)
            overrides += [c.changed_by for c in event.changes if c.override_reason]
            assert not policy.agenda_locked(event), name
        assert overrides and overrides[0].startswith("staff"), name
    response = admin.post(f"/staff/events/{event_id}/late-agenda",
                          data={"override_reason": "A matter the board added"})
    assert response.status_code == 302
    for name, target, call in table:
        if target == event_id:
            assert call(secretary, None).status_code in (201, 302), name
    status, _start, titles, materials, _ = snapshot(app, event_id)
    assert titles == ["Rewritten late", "Late item", "Late by API"] and materials == 1
    assert load(app, AgendaItem, item_id).title == "Rewritten late"
