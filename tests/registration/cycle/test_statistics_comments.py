"""The statistics' comments by status, read over HTTP from the real feedback API: registration and
feedback served on a local port (feedback found from PUBLIC_URL, as in production's default)."""

import datetime as dt

import pytest
import sqlalchemy as sa

from services.feedback.models import CommentStatus, Report, ReportReason, Topic
from services.feedback.models import db as feedback_db
from services.registration.models import db
from shared.testing.fixtures import login_as
from tests.feedback import builders as feedback_builders
from tests.memo.sources import Services
from tests.registration.builders import fast_passwords  # noqa: F401 - a fixture
from tests.registration.cycle.compliance_support import forum
from tests.registration.cycle.test_statistics import charts

C = CommentStatus


@pytest.fixture(autouse=True)
def _fast(fast_passwords):  # noqa: F811 - the fixture imported above
    """Staff logins hash passwords cheaply in these tests."""


@pytest.fixture
def services(make_app):
    """registration and feedback on one local port."""
    with Services(make_app) as running:
        yield running


def _forums(services):
    """Two forums of 2026 and one of 2025 in registration; returns their ids."""
    with services.registration.app_context():
        ids = [forum(dt.datetime(*day, 12, tzinfo=dt.UTC), title=f"Forum {n}").id
               for n, day in enumerate(((2026, 2, 1), (2026, 5, 1), (2025, 9, 1)))]
        db.session.commit()
        return ids


def _comments(services, event_id, statuses, reported=0):
    """feedback learns the forum and stores one comment per status (the first ``reported``
    of them reported)."""
    with services.feedback.app_context():
        agenda = [feedback_builders.agenda_item(100 * event_id + 1, 1)]
        feedback_builders.sync(feedback_builders.announcement(event_id=event_id, agenda=agenda))
        topic = feedback_db.session.scalar(sa.select(Topic.id).where(Topic.forum_id == event_id))
        ids = [feedback_builders.add_comment(topic, status=s) for s in statuses]
        feedback_db.session.add_all(Report(comment_id=i, reason=ReportReason.SPAM)
                                    for i in ids[:reported])
        feedback_db.session.commit()


def _page(services, path, language="en"):
    """A staff page of registration, fetched by a secretary in ``language``."""
    client = services.registration.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    login_as(services.registration, client, "secretary")
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_years_comments_by_status_from_feedback(services):
    first, second, earlier = _forums(services)
    _comments(services, first, [C.APPROVED, C.APPROVED, C.PENDING, C.REJECTED], reported=1)
    _comments(services, second, [C.HIDDEN, C.APPROVED])
    _comments(services, earlier, [C.APPROVED] * 5)
    html = _page(services, "/staff/statistics?year=2026")
    assert 'data-comments="unavailable"' not in html
    drawn, shown = charts(html)["chart-comments"]
    assert shown == {"Not confirmed by the author": 0, "Waiting for moderation": 1,
                     "Published": 3, "Rejected": 1, "Hidden": 1, "Expired": 0,
                     "Reported at least once": 1}
    assert drawn == shown


def test_one_forums_comments_and_a_forum_feedback_does_not_know(services):
    first, second, _earlier = _forums(services)
    _comments(services, first, [C.PENDING, C.APPROVED])
    shown = charts(_page(services, f"/staff/events/{first}/statistics"))["chart-comments"][1]
    assert (shown["Waiting for moderation"], shown["Published"]) == (1, 1)
    unknown = charts(_page(services, f"/staff/events/{second}/statistics"))["chart-comments"][1]
    assert set(unknown.values()) == {0}  # no topics were published: nothing to count


def test_the_comment_chart_in_finnish(services):
    first, _second, _earlier = _forums(services)
    _comments(services, first, [C.APPROVED])
    html = _page(services, f"/staff/events/{first}/statistics", "fi")
    labels = charts(html)["chart-comments"][1]
    assert "Published" not in labels and labels
