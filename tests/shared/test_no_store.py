"""``Cache-Control: no-store`` on every personal answer of every service, none on public pages.

Each service's pages are reached as people reach them: the pages of a secret link through the
link the service emailed, staff pages and staff APIs as a logged-in admin (and anonymously: a
staff path is never stored, whoever asks), public pages anonymously and as staff.
"""

import re

import pytest
import sqlalchemy as sa

from shared.testing.fixtures import login_as
from tests.notify.newsletters import add_subscriber, confirm_token
from tests.notify.test_forums import registration_api  # noqa: F401 - a fixture
from tests.registration.builders import (
    add_event,
    add_registration,
    english,
    fast_passwords,  # noqa: F401 - a fixture
)

pytestmark = pytest.mark.usefixtures("fast_passwords")

#: (service, kind, path) with {placeholders} its service's setup fills in
PAGES = [
    ("registration", "token", "/manage/{token}"),
    ("registration", "token", "/manage/{token}/cancel"),
    ("registration", "token", "/events/{event_id}/register"),
    ("registration", "token", "/api/v1/registrations/{token}"),
    ("registration", "staff", "/staff/login"),
    ("registration", "staff", "/staff/events"),
    ("registration", "staff", "/staff/events/{event_id}"),
    ("registration", "staff", "/staff/events/{event_id}/registrations"),
    ("registration", "staff", "/staff/events/{event_id}/registrations.csv"),
    ("registration", "staff", "/staff/events/{event_id}/checkin"),
    ("registration", "public", "/"),
    ("registration", "public", "/events/{event_id}"),
    ("registration", "public", "/events/{event_id}.ics"),
    ("registration", "public", "/api/v1/events"),
    ("registration", "public", "/api/v1/events/{event_id}"),
    ("feedback", "token", "/confirm/{confirm}"),
    ("feedback", "staff", "/staff/login"),
    ("feedback", "staff", "/staff/moderation"),
    ("feedback", "staff", "/staff/comments/{comment_id}"),
    ("feedback", "staff", "/staff/audit"),
    ("feedback", "staff", "/staff/forums"),
    ("feedback", "staff", "/staff/topics/{topic_id}/comments.csv"),
    ("feedback", "staff_api", "/api/v1/moderation/queue"),
    ("feedback", "public", "/"),
    ("feedback", "public", "/topics/{topic_id}"),
    ("feedback", "public", "/api/v1/topics/{topic_id}/comments"),
    ("notify", "token", "/subscribe/confirm/{confirm}"),
    ("notify", "token", "/preferences/{token}"),
    ("notify", "token", "/unsubscribe/{token}"),
    ("notify", "token", "/plan/{plan}.ics"),
    ("notify", "token", "/dev/mailbox/"),
    ("notify", "staff", "/staff/login"),
    ("notify", "staff", "/staff/campaigns"),
    ("notify", "staff", "/staff/campaigns/new"),
    ("notify", "staff", "/staff/plan"),
    ("notify", "staff_api", "/api/v1/campaigns"),
    ("notify", "public", "/"),
    ("notify", "public", "/archive"),
    ("notify", "public", "/feed.atom"),
    ("memo", "staff", "/staff/login"),
    ("memo", "public", "/"),
    ("portal", "staff", "/staff/login"),
    ("portal", "staff", "/staff/people/"),
    ("portal", "public", "/"),
    ("portal", "public", "/privacy"),
]


def _registration(app, _staff):
    """A published forum with one registration: its id and the registration's manage token."""
    event_id = add_event(app)
    _id, token = add_registration(app, event_id)
    return {"event_id": event_id, "token": token}


def _feedback(app, _staff):
    """An open topic with an approved comment, and the link a new comment's author is emailed."""
    from services.feedback.models import OutboxMessage, Topic, db
    from tests.feedback import builders

    with app.app_context():
        builders.sync(builders.announcement())
        topic_id = db.session.scalars(sa.select(Topic.id).order_by(Topic.position)).first()
        comment_id = builders.add_comment(topic_id)
    app.test_client().post(f"/topics/{topic_id}/comments", data={
        "name": "Maija", "organisation": "Hoiva Oy", "email": "maija@example.fi",
        "text": "More home care, please."})
    with app.app_context():
        [url] = [p["context"]["confirm_url"] for p in db.session.scalars(
            sa.select(OutboxMessage.payload)) if p["template"] == "comment_confirm"]
    return {"topic_id": topic_id, "comment_id": comment_id, "confirm": url.rsplit("/", 1)[1]}


def _notify(app, staff):
    """A confirmed subscriber's token, a pending one's confirmation token, the plan's calendar."""
    token = add_subscriber(app, "sub@example.fi")
    app.test_client().post("/subscribe", data={"email": "new@example.fi", "locale": "fi"})
    plan = re.search(r"/plan/([^/\"]+)\.ics", staff.get("/staff/plan").get_data(as_text=True))
    return {"token": token, "confirm": confirm_token(app, "new@example.fi"), "plan": plan.group(1)}


SETUP = {"registration": _registration, "feedback": _feedback, "notify": _notify}


@pytest.fixture
def visit(make_app, registration_api):  # noqa: F811 - the fixture imported above
    """``visit(service, path)``: (anonymous answer, logged-in admin's answer) of the filled path.

    notify reads the plan's milestones from a registration API served over HTTP.
    """

    def get(service, path):
        app = make_app(service, **({"REGISTRATION_API_URL": registration_api[1]}
                                   if service == "notify" else {}))
        staff = english(app)
        login_as(app, staff, "admin")
        values = SETUP[service](app, staff) if service in SETUP else {}
        path = path.format(**values)
        return english(app).get(path), staff.get(path)

    return get


def no_store(response):
    """Whether the answer forbids every cache to keep it."""
    return response.headers.get("Cache-Control") == "no-store"


@pytest.mark.parametrize(("service", "kind", "path"), PAGES,
                         ids=[f"{s}:{p}" for s, _k, p in PAGES])
def test_personal_answers_are_never_stored_and_public_pages_stay_cacheable(visit, service, kind,
                                                                           path):
    anonymous, staff = visit(service, path)
    if kind == "token":
        assert anonymous.status_code == 200 and no_store(anonymous)
    elif kind == "staff":
        assert staff.status_code == 200 and no_store(staff) and no_store(anonymous)
    elif kind == "staff_api":
        assert staff.status_code == 200 and staff.is_json and no_store(staff)
    else:
        assert anonymous.status_code == 200 and "Cache-Control" not in anonymous.headers
        assert staff.status_code == 200 and no_store(staff)  # the page shows who is logged in


def test_the_staff_api_refuses_anonymous_callers_with_no_data(visit):
    anonymous, _staff = visit("notify", "/api/v1/campaigns")
    assert anonymous.status_code == 401 and "subject" not in anonymous.get_data(as_text=True)


@pytest.mark.parametrize(("service", "path"), [("registration", "/manage/unknown-token"),
                                               ("notify", "/preferences/unknown-token")])
def test_a_secret_links_error_page_is_not_stored_either(make_app, service, path):
    response = make_app(service).test_client().get(path)
    assert response.status_code == 404 and no_store(response)


def test_answers_to_a_form_or_api_post_are_never_stored(make_app):
    app = make_app("notify")
    client = english(app)
    bad = client.post("/subscribe", data={"email": "not-an-email", "name": "Maija Meikäläinen"})
    assert bad.status_code == 422 and "Maija Meikäläinen" in bad.get_data(as_text=True)
    assert no_store(bad)
    assert no_store(client.post("/api/v1/subscribers", json={"email": "maija@example.fi"}))


def test_static_files_stay_cacheable_for_staff(make_app):
    app = make_app("registration")
    staff = english(app)
    login_as(app, staff, "admin")
    response = staff.get("/_shared/foorumi.css")
    assert response.status_code == 200 and not no_store(response)
