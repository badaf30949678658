"""The staff pages of an event's people: invitations, the list, the CSV export, check-in."""

import csv
import io
import re

import pytest

from services.registration.models import (
    AttendanceMode,
    EventKind,
    EventStatus,
    Invitation,
    Registration,
    RegistrationStatus,
)
from tests.registration.builders import (
    add_event,
    add_question,
    add_registration,
    count,
    fast_passwords,  # noqa: F401 - a fixture
    load,
)
from tests.registration.staff.support import text


def test_invitations_are_sent_to_every_address_of_a_targeted_session(app, client):
    event_id = add_event(app, kind=EventKind.TARGETED)
    response = client.post(f"/staff/events/{event_id}/invitations", data={
        "emails": "a@example.fi, B@example.fi\nc@example.fi; a@example.fi"})
    assert response.status_code == 302
    assert count(app, Invitation) == 3
    client.post(f"/staff/events/{event_id}/invitations", data={"emails": "a@example.fi"})
    assert count(app, Invitation) == 3
    assert "b@example.fi" in text(client.get(f"/staff/events/{event_id}"))


def test_an_invitee_is_emailed_in_the_language_chosen_for_the_invitation(app, client, outbox):
    event_id = add_event(app, kind=EventKind.TARGETED)
    assert client.post(f"/staff/events/{event_id}/invitations", data={
        "emails": "sv@example.fi", "locale": "sv"}).status_code == 302
    assert client.post(f"/staff/events/{event_id}/invitations", data={
        "emails": "fi@example.fi"}).status_code == 302  # Finnish unless chosen
    sent = {p["to"]: p["locale"] for p in outbox("notify.send_email")}
    assert sent == {"sv@example.fi": "sv", "fi@example.fi": "fi"}
    assert "Svenska" in text(client.get(f"/staff/events/{event_id}"))


def test_an_unknown_invitation_language_is_refused_next_to_its_field(app, client):
    event_id = add_event(app, kind=EventKind.TARGETED)
    response = client.post(f"/staff/events/{event_id}/invitations", data={
        "emails": "a@example.fi", "locale": "de"})
    assert response.status_code == 422
    assert "Choose the invitation&#39;s language." in text(response)
    assert count(app, Invitation) == 0


@pytest.mark.parametrize(("kind", "status", "emails", "message"), [
    (EventKind.TARGETED, EventStatus.PUBLISHED, "ok@example.fi, not-an-address",
     "not valid email addresses: not-an-address"),
    (EventKind.TARGETED, EventStatus.PUBLISHED, "  ", "Enter at least one email address."),
    (EventKind.TARGETED, EventStatus.DRAFT, "ok@example.fi", "Publish the session first"),
    (EventKind.FORUM, EventStatus.PUBLISHED, "ok@example.fi", "Only targeted sessions"),
])
def test_bad_invitations_change_nothing(app, client, kind, status, emails, message):
    event_id = add_event(app, kind=kind, status=status)
    response = client.post(f"/staff/events/{event_id}/invitations", data={"emails": emails})
    assert response.status_code == 422 and message in text(response)
    assert count(app, Invitation) == 0


# -- registrations, CSV and check-in


def _three_registrations(app, event_id):
    """A confirmed, a waitlisted and a remote registration."""
    add_registration(app, event_id, email="anna@example.fi", name="Anna Aalto",
                     organisation="Alpha Oy")
    add_registration(app, event_id, email="bert@example.fi", name="Bert Berg",
                     status=RegistrationStatus.WAITLISTED)
    add_registration(app, event_id, email="cecilia@example.fi", name="Cecilia Cato",
                     attendance_mode=AttendanceMode.REMOTE, organisation="=HYPERLINK(1)")


def test_registration_list_filters_by_mode_status_and_text(app, client):
    event_id = add_event(app)
    _three_registrations(app, event_id)
    everyone = text(client.get(f"/staff/events/{event_id}/registrations"))
    assert "3 registrations shown." in everyone and "waiting list 1" in everyone
    remote = text(client.get(f"/staff/events/{event_id}/registrations?mode=remote&event_id=1"))
    assert "Cecilia Cato" in remote and "Anna Aalto" not in remote
    assert f"/staff/events/{event_id}/registrations.csv?mode=remote" in remote
    waiting = text(client.get(f"/staff/events/{event_id}/registrations?status=waitlisted"))
    assert "Bert Berg" in waiting and "Anna Aalto" not in waiting
    found = text(client.get(f"/staff/events/{event_id}/registrations?q=alpha"))
    assert "1 registration shown." in found and "Anna Aalto" in found
    none = text(client.get(f"/staff/events/{event_id}/registrations?q=100%25"))
    assert "0 registrations shown." in none
    bad = client.get(f"/staff/events/{event_id}/registrations?mode=balcony")
    assert bad.status_code == 422 and 'id="mode-error"' in text(bad)
    assert client.get(f"/staff/events/{event_id}/registrations.csv?status=x").status_code == 422


def test_csv_export_opens_in_excel_and_is_formula_safe(app, client):
    event_id = add_event(app)
    q1 = add_question(app, event_id, "multiple_choice", "Services?", options=["Home", "Day"])
    add_question(app, event_id, "checkbox", "Coffee?")
    _three_registrations(app, event_id)
    add_registration(app, event_id, email="d@example.fi", name="+Dan", dietary_needs="@vegan",
                     answers={str(q1): ["Home", "Day"]})
    response = client.get(f"/staff/events/{event_id}/registrations.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][0] == "Name" and rows[0][-2:] == ["Services?", "Coffee?"]
    assert len(rows) == 5 and all(len(r) == len(rows[0]) for r in rows)
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["Cecilia Cato"][2] == "'=HYPERLINK(1)"
    assert "'+Dan" in by_name and by_name["'+Dan"][8] == "'@vegan"
    assert by_name["'+Dan"][-2] == "Home, Day"
    assert by_name["Bert Berg"][6] == "On the waiting list"
    filtered = client.get(f"/staff/events/{event_id}/registrations.csv?mode=remote")
    assert len(filtered.data.decode("utf-8-sig").strip().splitlines()) == 2


def test_check_in_marks_and_undoes_arrival_keeping_the_search(app, client):
    event_id = add_event(app)
    _three_registrations(app, event_id)
    page = text(client.get(f"/staff/events/{event_id}/checkin"))
    assert "Arrived 0 of 2 expected." in page and "Bert Berg" not in page  # waitlisted
    page = text(client.get(f"/staff/events/{event_id}/checkin?q=ann"))
    assert "Anna Aalto" in page and "Cecilia Cato" not in page
    anna = int(re.search(r'id="registration-(\d+)"', page).group(1))
    response = client.post(f"/staff/registrations/{anna}/checkin",
                           data={"attended": "1", "q": "ann"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/checkin?q=ann#registration-{anna}")
    assert load(app, Registration, anna).checked_in_at is not None
    page = text(client.get(f"/staff/events/{event_id}/checkin"))
    assert "Arrived 1 of 2 expected." in page and "Undo" in page
    client.post(f"/staff/registrations/{anna}/checkin", data={"attended": "0"})
    assert load(app, Registration, anna).checked_in_at is None


def test_check_in_refuses_bad_input(app, client):
    event_id = add_event(app)
    waiting, _ = add_registration(app, event_id, status=RegistrationStatus.WAITLISTED)
    assert client.post(f"/staff/registrations/{waiting}/checkin").status_code == 409
    confirmed, _ = add_registration(app, event_id, email="c@example.fi")
    assert client.post(f"/staff/registrations/{confirmed}/checkin",
                       data={"attended": "maybe"}).status_code == 400
    assert client.post("/staff/registrations/999999/checkin").status_code == 404
    assert load(app, Registration, waiting).checked_in_at is None
    assert load(app, Registration, confirmed).checked_in_at is None
