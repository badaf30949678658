"""Every JSON endpoint of the three OpenAPI documents, fed hostile input: never a 5xx, and a 4xx
changes nothing.

The documents of registration, feedback and notify list the operations; for each one that takes
a JSON body or has an integer in its path, Hypothesis draws requests: bodies built from the
operation's schema with some fields fair and some odd (numbers past every range, wrong types,
control characters, texts past their limits, nesting), bodies that are not JSON objects, nested
50,000 deep or too large, and path ids that exist, that name nothing or that no database holds.
Staff endpoints are called logged in (every role) as well as anonymously. Before and after each
request that answers 4xx, every row of every component database is hashed: they must be equal.
"""

import urllib.parse

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from services.feedback.models import CommentStatus, Topic
from services.feedback.models import db as feedback_db
from services.notify.models import Announcement, AnnouncementKind, Campaign, CampaignStatus
from services.notify.models import db as notify_db
from services.registration.models import QuestionKind
from shared.testing.fixtures import login_as
from tests.feedback import builders as feedback_builders
from tests.registration.builders import (
    add_event,
    add_question,
    add_registration,
    fast_passwords,  # noqa: F401 - a fixture
)
from tests.suite.fuzzing import Digest, body, operations, path_value

SERVICES = ("registration", "feedback", "notify")
ROLES = ("admin", "secretary", "moderator", "communications")
#: the login's own bookkeeping (touched at most once a minute), not an effect of the input
SKIP = frozenset({("staff_sessions", "last_seen_at")})
EXAMPLES = 400


def _seed_registration(app):
    """A published forum with a question of every kind and one registration."""
    event_id = add_event(app)
    questions = [add_question(app, event_id, kind, f"Q {kind}", options=["A", "B"])
                 for kind in QuestionKind]
    _registration_id, token = add_registration(app, event_id)
    return {"event_id": [event_id], "answers": [str(q) for q in questions], "token": [token]}


def _seed_feedback(app):
    """An open forum's topics with a pending and an approved comment."""
    with app.app_context():
        forum_id = feedback_builders.sync(feedback_builders.announcement())
        topics = feedback_db.session.scalars(
            sa.select(Topic.id).where(Topic.forum_id == forum_id)).all()
        comments = [feedback_builders.add_comment(topics[0], status=CommentStatus.PENDING),
                    feedback_builders.add_comment(topics[0])]
    return {"forum_id": [forum_id], "topic_id": topics, "comment_id": comments,
            "comment_ids": comments}


def _seed_notify(app):
    """A forum's announcement and a draft newsletter."""
    with app.app_context():
        announcement = Announcement(kind=AnnouncementKind.EVENT, source_id=1, title="Forum",
                                    url="http://localhost/registration/events/1")
        campaign = Campaign(content={"fi": {"subject": "U", "body": "H"}}, segment={},
                            created_by="viestinta@example.fi", status=CampaignStatus.DRAFT)
        notify_db.session.add_all([announcement, campaign])
        notify_db.session.commit()
        return {"announcement_id": [announcement.id], "campaign_id": [campaign.id]}


SEEDS = {"registration": _seed_registration, "feedback": _seed_feedback, "notify": _seed_notify}


@pytest.fixture
def suite(make_app, database_urls, fast_passwords):  # noqa: F811 - the fixture imported above
    """{service: (app, staff client, anonymous client, known ids, document, operations)}."""
    found = {}
    for service in SERVICES:
        app = make_app(service)
        staff = app.test_client()
        login_as(app, staff, *ROLES)
        known = SEEDS[service](app)
        doc = app.test_client().get("/api/v1/openapi.json").json
        found[service] = (app, staff, app.test_client(), known, doc, operations(service, doc))
    return found


@pytest.fixture
def digest(database_urls):
    """Every row of every component database, hashed."""
    return Digest(database_urls, SKIP)


def fill(operation, values):
    """The operation's path with ``values`` put in (each percent-encoded)."""
    path = operation.path
    for name, value in values.items():
        path = path.replace("{" + name + "}", urllib.parse.quote(str(value), safe="%"))
    return path


def test_the_documents_list_the_endpoints_the_fuzzing_covers(suite):
    covered = {str(op) for entry in suite.values() for op in entry[5]}
    assert {"POST /registration/api/v1/events/{event_id}/registrations",
            "POST /feedback/api/v1/topics/{topic_id}/comments",
            "POST /feedback/api/v1/moderation/decisions",
            "POST /feedback/api/v1/moderation/comments/{comment_id}/decision",
            "POST /notify/api/v1/campaigns", "POST /notify/api/v1/campaigns/{campaign_id}/send",
            "POST /notify/api/v1/subscribers", "GET /registration/api/v1/events/{event_id}"} <= covered


def test_the_digest_sees_a_row_change_in_any_database(suite, digest):
    before = digest()
    app = suite["notify"][0]
    with app.app_context():
        notify_db.session.get(Campaign, suite["notify"][3]["campaign_id"][0]).created_by = "x@example.fi"
        notify_db.session.commit()
    assert digest() != before


#: a drawn body may be 70 kB on purpose; reporting a failing one must not fail on its size
@pytest.mark.filterwarnings("ignore:Generating overly large repr")
@settings(max_examples=EXAMPLES, deadline=None, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(data=st.data())
def test_bad_input_never_crashes_and_a_refusal_changes_nothing(suite, digest, data):
    service = data.draw(st.sampled_from(SERVICES), label="service")
    app, staff, anonymous, known, doc, ops = suite[service]
    operation = data.draw(st.sampled_from(ops), label="operation")
    values = {name: data.draw(path_value(name, schema, known), label=name)
              for name, schema in operation.params.items()}
    payload = data.draw(body(operation, doc, known), label="body")
    client = data.draw(st.sampled_from([staff, staff, staff, anonymous]), label="client")
    path = fill(operation, values)
    note(f"{operation.method.upper()} {path} {payload[:300]!r}")
    before = digest()
    try:
        response = client.open(path, method=operation.method.upper(), data=payload,
                               content_type="application/json")
    except Exception as exc:  # noqa: BLE001 - under test, an error the app did not handle propagates
        raise AssertionError(f"{operation} crashed: {exc!r}"[:500]) from None
    event(f"{operation} -> {response.status_code}")  # pytest --hypothesis-show-statistics
    assert response.status_code < 500, response.get_data(as_text=True)[:500]
    if response.status_code >= 400:
        assert digest() == before, f"{response.status_code} changed the database"
