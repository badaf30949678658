"""The registration form and API answer the same whoever the address belongs to.

A new registration (confirmed on-site, on the waiting list, remote, or for an invite-only session)
and a second one with the same address get the same status code and the same page or JSON; only
the email tells which it was, and each submission sends exactly one.
"""

import pytest

from services.registration.models import EventKind, Registration
from tests.registration.builders import (
    add_event,
    add_invitation,
    count,
    english,
    registration_form,
)

#: (case, event columns, form changes, the email a new registration gets)
CASES = [
    ("confirmed", {}, {}, "registration_confirmed"),
    ("waitlisted", {"onsite_capacity": 0}, {}, "registration_waitlisted"),
    ("remote", {"onsite_capacity": 0}, {"attendance_mode": "remote"}, "registration_confirmed"),
    ("invited", {"kind": EventKind.TARGETED}, {}, "registration_confirmed"),
]


@pytest.fixture
def app(make_app):
    """The registration service's app on the test databases."""
    return make_app("registration")


def _emails(app):
    """(to, template, status, waitlist position) of every email in the outbox."""
    from services.registration.models import OutboxMessage, db

    with app.app_context():
        rows = db.session.query(OutboxMessage).filter_by(topic="notify.send_email").order_by(
            OutboxMessage.id)
        return [(p["to"], p["template"], p["context"]["status"], p["context"]["waitlist_position"])
                for p in (row.payload for row in rows)]


def _event(app, columns):
    """The case's event and the invitation token a visitor needs ("" for an open forum)."""
    event_id = add_event(app, **columns)
    if columns.get("kind") == EventKind.TARGETED:
        return event_id, add_invitation(app, event_id)
    return event_id, ""


def _form_answer(client, event_id, token, **changes):
    """(status, Location, page) of one posted registration form."""
    response = client.post(f"/events/{event_id}/register",
                           data=registration_form(invitation=token or None, **changes))
    return response.status_code, response.headers.get("Location"), response.get_data(as_text=True)


def _api_answer(client, event_id, token, **changes):
    """(status, JSON) of one registration posted to the API."""
    form = registration_form(**changes)
    body = {**{k: v for k, v in form.items() if k != "privacy_consent"}, "privacy_consent": True}
    response = client.post(f"/api/v1/events/{event_id}/registrations", json=body,
                           query_string={"invitation": token} if token else None)
    return response.status_code, response.get_json()


@pytest.mark.parametrize(("case", "columns", "changes", "template"), CASES,
                         ids=[c[0] for c in CASES])
def test_the_form_answers_a_repeat_as_it_answers_a_new_registration(app, case, columns, changes,
                                                                    template):
    event_id, token = _event(app, columns)
    client = english(app)
    new = _form_answer(client, event_id, token, **changes)
    repeat = _form_answer(client, event_id, token, **changes, email="MAIJA@example.fi ")
    assert new == repeat
    assert new[:2] == (202, None) and "Check your email" in new[2]
    assert "/manage/" not in new[2] and "number 1" not in new[2]
    assert count(app, Registration) == 1
    first, second = _emails(app)
    assert first[:2] == ("maija@example.fi", template)
    assert second[:2] == ("maija@example.fi", "registration_already_registered")
    assert second[2:] == first[2:]  # the repeat's email tells the same status and place
    assert first[3] == (1 if case == "waitlisted" else None)


@pytest.mark.parametrize(("case", "columns", "changes", "template"), CASES,
                         ids=[c[0] for c in CASES])
def test_the_api_answers_a_repeat_as_it_answers_a_new_registration(app, case, columns, changes,
                                                                   template):
    event_id, token = _event(app, columns)
    client = english(app)
    new = _api_answer(client, event_id, token, **changes)
    repeat = _api_answer(client, event_id, token, **changes, email="Maija@Example.fi")
    assert new == repeat
    assert new[0] == 202 and set(new[1]) == {"status", "message"}
    assert count(app, Registration) == 1
    assert [email[1] for email in _emails(app)] == [template, "registration_already_registered"]


def test_the_form_answers_another_address_as_it_answers_the_first(app):
    event_id, _token = _event(app, {"onsite_capacity": 1})
    client = english(app)
    first = _form_answer(client, event_id, "")
    other = _form_answer(client, event_id, "", email="someone@example.fi")
    assert first == other
    assert [email[1] for email in _emails(app)] == ["registration_confirmed",
                                                    "registration_waitlisted"]
