"""The compliance checks from milestone rows at a frozen time: each rule green, amber, red and
grey, the evidence they show, and a constant number of statements whatever the forums."""

import datetime as dt

import pytest
import time_machine

from services.registration.cycle import compliance
from services.registration.models import ChangeAction, EventChange, EventStatus, db
from shared.db import engine_for
from shared.testing.statements import recording
from tests.registration.cycle.compliance_support import (
    NOW,
    RECIPIENTS,
    SECRETARY,
    K,
    check,
    complete,
    done,
    forum,
    series,
)

DAY = dt.timedelta(days=1)


@pytest.fixture
def ctx(app):
    """A request context (English) at the frozen time."""
    with time_machine.travel(NOW, tick=False), app.test_request_context(
            headers={"Accept-Language": "en"}):
        yield


def checks_of(event):
    """The forum's checks now."""
    db.session.flush()
    return compliance.forum_checks(event)


def test_a_forum_done_in_time_is_green_everywhere_with_its_evidence(ctx):
    event = complete(forum(NOW - 40 * DAY))
    checks = checks_of(event)
    assert [c.rule for c in checks] == list(compliance.RULES)
    assert {c.rule: c.state for c in checks} == dict.fromkeys(compliance.RULES, "green")
    agenda = check(checks, "agenda")
    assert agenda.text == "OK" and agenda.icon == "✓"
    assert agenda.evidence[0].who == SECRETARY
    assert agenda.evidence[0].when == event.starts_at - 14 * DAY
    assert agenda.fix_url == f"http://localhost/registration/staff/events/{event.id}#agenda"


def test_the_agenda_is_amber_soon_grey_later_and_red_once_due_passed(ctx):
    soon, later, late = (forum(NOW + 9 * DAY), forum(NOW + 30 * DAY), forum(NOW + 6 * DAY))
    assert (check(checks_of(soon), "agenda").state, check(checks_of(soon), "agenda").text) == (
        "amber", "Soon")
    assert check(checks_of(later), "agenda").state == "grey"
    red = check(checks_of(late), "agenda")
    assert (red.state, red.text, red.icon) == ("red", "Missing", "✗")
    assert red.evidence[0].what == "Agenda and material published: due"


def test_a_late_agenda_is_red_unless_an_admin_recorded_an_override(ctx):
    event = forum(NOW + 3 * DAY)
    done(event, K.AGENDA, NOW - DAY)
    assert (check(checks_of(event), "agenda").state,
            check(checks_of(event), "agenda").text) == ("red", "Rule broken")
    event.publish_override_reason = "The <b>minister</b> moved the date"
    event.publish_override_by = "admin@county.example"
    agenda = check(checks_of(event), "agenda")
    assert (agenda.state, agenda.text) == ("amber", "Overridden")
    assert any(e.what == "Published late: The <b>minister</b> moved the date"
               and e.who == "admin@county.example" for e in agenda.evidence)


def test_a_changes_override_counts_as_well(ctx):
    event = forum(NOW + 3 * DAY)
    done(event, K.AGENDA, NOW - DAY)
    event.changes.append(EventChange(action=ChangeAction.LATE_AGENDA, reason="x",
                                     override_reason="Board decision", changed_by="a@b.example",
                                     changed_at=NOW - DAY))
    assert check(checks_of(event), "agenda").state == "amber"


def test_announced_needs_both_the_website_and_a_newsletter(ctx):
    event = forum(NOW + 20 * DAY)
    done(event, K.ANNOUNCEMENT, NOW - DAY)
    done(event, K.AGENDA, NOW - DAY)
    announced = check(checks_of(event), "announced")
    assert announced.state == "grey"  # the newsletter is not due for 6 days
    assert announced.fix_url == "http://localhost/notify/staff/campaigns/new"
    event.starts_at, event.ends_at = NOW + 9 * DAY, NOW + 9 * DAY + dt.timedelta(hours=3)
    db.session.flush()
    from services.registration.cycle import milestones
    milestones.schedule(event)
    assert check(checks_of(event), "announced").state == "amber"
    done(event, K.NEWSLETTER, NOW, source="notify.newsletter_sent", by="")
    announced = check(checks_of(event), "announced")
    assert announced.state == "green"
    assert [e.who for e in announced.evidence] == [SECRETARY, "notify.newsletter_sent"]


def test_comments_closed_too_early_are_red_and_on_time_green(ctx):
    early, fine = forum(NOW - 20 * DAY), forum(NOW - 20 * DAY)
    for event, days in ((early, 6), (fine, 7)):
        closed = event.ends_at + days * DAY
        done(event, K.COMMENTS_CLOSE, NOW, {"closed_at": closed.isoformat()},
             source="feedback.window_closed")
    red = check(checks_of(early), "comments")
    assert (red.state, red.text) == ("red", "Rule broken")
    assert red.evidence[0].when == early.ends_at + 6 * DAY
    assert red.fix_url == "http://localhost/feedback/staff/forums"
    assert check(checks_of(fine), "comments").state == "green"


def test_comments_never_closed_are_red_after_their_time(ctx):
    assert check(checks_of(forum(NOW - 20 * DAY)), "comments").text == "Missing"


def test_a_recording_captioned_after_the_deadline_is_red(ctx):
    event = forum(NOW - 40 * DAY, status=EventStatus.HELD, recording_url="https://v.example/r",
                  recording_published_at=NOW - 38 * DAY)
    done(event, K.RECORDING_PUBLISHED, NOW - 38 * DAY)
    recording = check(checks_of(event), "recording")
    assert (recording.state, recording.text) == ("red", "Missing")  # 14 days passed, no captions
    assert recording.fix_url.endswith(f"/staff/events/{event.id}#captions")
    done(event, K.RECORDING_CAPTIONED, NOW - 20 * DAY)
    recording = check(checks_of(event), "recording")
    assert (recording.state, recording.text) == ("red", "Rule broken")
    assert any(e.what == "Captions due" and e.when == NOW - 24 * DAY for e in recording.evidence)


def test_a_memo_published_before_the_review_is_red(ctx):
    event = forum(NOW - 60 * DAY)
    done(event, K.MEMO_PUBLISHED, NOW - 10 * DAY, {"recipients": RECIPIENTS})
    assert check(checks_of(event), "memo_reviewed").state == "red"
    done(event, K.MEMO_REVIEWED, NOW - 5 * DAY)
    assert check(checks_of(event), "memo_reviewed").state == "red"


def test_a_memo_delivered_without_the_regional_government_is_red(ctx):
    event = complete(forum(NOW - 60 * DAY))
    published = next(m for m in event.milestones if m.key == K.MEMO_PUBLISHED)
    published.evidence = {"recipients": [r for r in RECIPIENTS if r["kind"] != "regional_government"]}
    delivered = check(checks_of(event), "memo_delivered")
    assert delivered.state == "red"
    assert delivered.evidence[-1].what == "Not delivered to the regional government"
    assert delivered.fix_url == "http://localhost/memo/staff/memos"


def test_a_cancelled_forum_is_grey_throughout(ctx):
    event = forum(NOW - 20 * DAY, status=EventStatus.CANCELLED)
    assert {(c.state, c.text) for c in checks_of(event)} == {("grey", "Cancelled")}


@pytest.mark.parametrize(("year", "count", "state"), [
    (2026, 2, "red"), (2026, 3, "green"), (2027, 2, "amber"), (2027, 7, "red"),
    (2028, 1, "grey"), (2028, 6, "green"),
])
def test_forums_a_year_against_the_series_range(ctx, year, count, state):
    for n in range(count):
        forum(dt.datetime(year, 2, 1 + n, 12, tzinfo=dt.UTC))
    forum(dt.datetime(year, 3, 1, 12, tzinfo=dt.UTC), status=EventStatus.CANCELLED)
    forum(dt.datetime(year, 4, 1, 12, tzinfo=dt.UTC), in_series="jarjestofoorumi")
    db.session.flush()
    board = compliance.dashboard(series_id=series().id, year=year)
    assert len(board.forums) == count + 1
    [row] = board.years
    assert (row.year, row.count, row.check.state) == (year, count, state)
    assert "the range is 3–6" in row.check.evidence[0].what


def test_the_filter_year_shows_a_series_with_no_forums_that_year(ctx):
    forum(dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC))
    db.session.flush()
    board = compliance.dashboard(year=2026)
    assert [(r.series.slug, r.count, r.check.state) for r in board.years] == [
        ("palveluntuottajafoorumi", 1, "red")]
    assert compliance.dashboard(year=2025).years[0].count == 0


def _statements(app, forums):
    """Statements of the dashboard after adding ``forums`` complete forums."""
    for n in range(forums):
        complete(forum(NOW - (100 + n) * DAY, in_series=("a", "b")[n % 2]))
    db.session.commit()
    db.session.expunge_all()
    with recording(engine_for(app.config["REGISTRATION_DATABASE_URL"])) as seen:
        board = compliance.dashboard()
    return len(seen), len(board.forums)


def test_the_dashboard_runs_the_same_statements_for_5_and_25_forums(app, ctx):
    few = _statements(app, 5)
    many = _statements(app, 20)
    assert few[1] == 5 and many[1] == 25
    assert few[0] == many[0] <= 8


def test_a_forum_on_new_years_night_counts_in_the_helsinki_year_as_on_the_clock(ctx):
    # 00:30 on 1 January 2026 in Helsinki is still 2025 in UTC
    event = forum(dt.datetime(2025, 12, 31, 22, 30, tzinfo=dt.UTC))
    db.session.flush()
    board = compliance.dashboard(series_id=series().id, year=2026)
    assert [f.event.id for f in board.forums] == [event.id]
    [row] = board.years
    assert (row.year, row.count) == (2026, 1)
    assert compliance.dashboard(series_id=series().id, year=2025).forums == []


def test_a_recipient_whose_copy_failed_does_not_count_as_reached(ctx):
    event = complete(forum(NOW - 60 * DAY))
    delivered = next(m for m in event.milestones if m.key == K.MEMO_DELIVERED)
    government = next(r["email"] for r in RECIPIENTS if r["kind"] == "regional_government")
    delivered.evidence = {**delivered.evidence,
                          "sent": [e for e in delivered.evidence["sent"] if e != government]}
    assert check(checks_of(event), "memo_delivered").state == "red"
