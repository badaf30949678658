"""The milestones API: a forum's milestones and those of a date range, their states from
evidence, who may see them, bad input, and a constant number of SQL statements."""

import datetime as dt

import pytest
import sqlalchemy as sa

from services.registration.cycle import milestones
from services.registration.cycle.models import MilestoneKey, Series
from services.registration.models import Event, EventKind, EventStatus, db
from shared.db import engine_for, utcnow
from shared.testing.statements import recording
from tests.registration.builders import add_event

EN = {"Accept-Language": "en"}
FI = {"Accept-Language": "fi"}
SECRETARY = "sihteeri@hyvinvointialue.example"


def add_forum(app, series=None, **fields):
    """A forum (published three weeks ahead unless told) with its milestones scheduled."""
    event_id = add_event(app, **fields)
    with app.app_context():
        event = db.session.get(Event, event_id)
        if series:
            event.series = db.session.scalar(sa.select(Series).filter_by(slug=series)) or Series(
                slug=series, name=series.title())
        milestones.schedule(event)
        db.session.commit()
    return event_id


def record(app, event_id, key, at=None):
    """Record ``key`` done for the forum, as the evidence's place in the code would."""
    with app.app_context():
        milestones.record(db.session.get(Event, event_id), key, at=at, by=SECRETARY,
                          evidence={"by_test": True})
        db.session.commit()


def states(answer):
    """{key: state} of one forum's answer."""
    return {m["key"]: m["state"] for m in answer["milestones"]}


def test_a_forum_answers_its_milestones_in_the_cycles_order_with_labels(client, app):
    event_id = add_forum(app, series="palveluntuottajafoorumi")
    response = client.get(f"/api/v1/events/{event_id}/milestones", headers=EN)
    assert response.status_code == 200
    answer = response.json
    assert answer["id"] == event_id and answer["status"] == "published"
    assert answer["series"] == "palveluntuottajafoorumi"
    assert [m["key"] for m in answer["milestones"]] == [k.value for k in MilestoneKey]
    agenda = answer["milestones"][1]
    assert agenda["label"] == "Agenda and material published" and agenda["state"] == "open"
    assert agenda["done_at"] is None and agenda["due_at"].endswith("+00:00")
    finnish = client.get(f"/api/v1/events/{event_id}/milestones", headers=FI).json
    assert finnish["milestones"][1]["label"] != agenda["label"]


def test_done_only_from_recorded_evidence_and_late_when_past_without_it(client, app):
    starts = utcnow() - dt.timedelta(days=10)
    event_id = add_forum(app, starts_at=starts, status=EventStatus.HELD,
                         published_at=starts - dt.timedelta(days=20))
    record(app, event_id, MilestoneKey.AGENDA, at=starts - dt.timedelta(days=14))
    answer = client.get(f"/api/v1/events/{event_id}/milestones").json
    got = states(answer)
    assert got["agenda"] == "done"
    assert got["reminder"] == "late" and got["announcement"] == "late"  # past, nothing recorded
    assert got["comments_open"] == "late" and got["event"] == "late"
    agenda = answer["milestones"][1]
    assert agenda["source"] == "registration" and agenda["done_at"].startswith(
        (starts - dt.timedelta(days=14)).date().isoformat())
    text = client.get(f"/api/v1/events/{event_id}/milestones").get_data(as_text=True)
    assert SECRETARY not in text and "by_test" not in text  # no staff emails, no evidence


def test_a_milestone_due_within_the_notice_days_is_due(client, app):
    event_id = add_forum(app, starts_at=utcnow() + dt.timedelta(days=2))
    got = states(client.get(f"/api/v1/events/{event_id}/milestones").json)
    assert got["reminder"] == "due" and got["agenda"] == "late" and got["memo_published"] == "open"


def test_a_cancelled_forum_is_public_with_nothing_late(client, app):
    event_id = add_forum(app, starts_at=utcnow() - dt.timedelta(days=3),
                         status=EventStatus.CANCELLED)
    record(app, event_id, MilestoneKey.ANNOUNCEMENT)
    got = states(client.get(f"/api/v1/events/{event_id}/milestones").json)
    assert got["announcement"] == "done"
    assert set(got.values()) == {"done", "cancelled"}


@pytest.mark.parametrize("headers, message", [
    (EN, "There is no public forum with this id."),
    (FI, "Tällä tunnuksella ei ole julkista foorumia."),
])
def test_unknown_draft_and_targeted_events_are_not_found(client, app, headers, message):
    draft = add_forum(app, status=EventStatus.DRAFT)
    targeted = add_event(app, kind=EventKind.TARGETED)
    for event_id in (draft, targeted, 999_999):
        response = client.get(f"/api/v1/events/{event_id}/milestones", headers=headers)
        assert response.status_code == 404
        assert response.json["errors"] == {"event_id": [message]}


def test_a_range_lists_every_public_forum_starting_in_it(client, app):
    now = utcnow().replace(hour=10, minute=0, second=0, microsecond=0)
    held = add_forum(app, series="jarjestofoorumi", starts_at=now - dt.timedelta(days=40),
                     status=EventStatus.HELD, title="Spring forum")
    ahead = add_forum(app, starts_at=now + dt.timedelta(days=30), title="Autumn forum")
    cancelled = add_forum(app, starts_at=now + dt.timedelta(days=10), status=EventStatus.CANCELLED,
                          title="Cancelled forum")
    add_forum(app, starts_at=now + dt.timedelta(days=11), status=EventStatus.DRAFT)
    add_event(app, starts_at=now + dt.timedelta(days=12), kind=EventKind.TARGETED)
    add_forum(app, starts_at=now + dt.timedelta(days=200), title="Outside")
    start = (now - dt.timedelta(days=60)).date()
    end = (now + dt.timedelta(days=60)).date()
    answer = client.get(f"/api/v1/milestones?start={start}&end={end}", headers=EN).json
    assert [f["id"] for f in answer] == [held, cancelled, ahead]
    assert [f["status"] for f in answer] == ["held", "cancelled", "published"]
    assert answer[0]["series"] == "jarjestofoorumi" and answer[1]["series"] is None
    assert answer[2]["title"] == "Autumn forum" and answer[2]["starts_at"]
    assert all(len(f["milestones"]) == len(MilestoneKey) for f in answer)
    assert states(answer[1])["agenda"] == "cancelled"


def test_the_range_takes_whole_helsinki_days(client, app):
    # 23:30 UTC on 1 March is 01:30 on 2 March in Helsinki: a forum of 2 March
    event_id = add_forum(app, starts_at=dt.datetime(2031, 3, 1, 23, 30, tzinfo=dt.UTC))
    assert client.get("/api/v1/milestones?start=2031-03-01&end=2031-03-01").json == []
    (forum,) = client.get("/api/v1/milestones?start=2031-03-02&end=2031-03-02").json
    assert forum["id"] == event_id


@pytest.mark.parametrize("query, field, english, finnish", [
    ("end=2031-01-01", "start", "This field is required.", "Tämä kenttä on pakollinen. Täytä se."),
    ("start=2031-13-01&end=2031-12-31", "start", "Enter a valid date.",
     "Anna päivämäärä oikeassa muodossa."),
    ("start=2031-02-01&end=2031-01-31", "end", "The end must not be before the start.",
     "Loppu ei voi olla ennen alkua."),
    ("start=2031-01-01&end=2033-01-02", "end", "Ask for at most 731 days at a time.",
     "Pyydä enintään 731 päivää kerralla."),
    ("start=0001-01-01&end=0001-01-02", "start", "Enter a date between the years 2000 and 2999.",
     "Anna päivämäärä vuosilta 2000–2999."),
])
def test_bad_ranges_answer_field_errors_in_the_users_language(client, query, field, english,
                                                              finnish):
    for headers, message in ((EN, english), (FI, finnish)):
        response = client.get(f"/api/v1/milestones?{query}", headers=headers)
        assert response.status_code == 422
        assert response.json["errors"][field] == [message]


def test_the_maximum_range_is_a_setting(make_app):
    client = make_app("registration", CYCLE_MILESTONES_MAX_DAYS=7).test_client()
    assert client.get("/api/v1/milestones?start=2031-01-01&end=2031-01-07").status_code == 200
    assert client.get("/api/v1/milestones?start=2031-01-01&end=2031-01-08").status_code == 422


def statements(app, client, path):
    """How many SQL statements one GET of ``path`` runs."""
    with recording(engine_for(app.config["REGISTRATION_DATABASE_URL"])) as seen:
        assert client.get(path).status_code == 200
    return len(seen)


def test_the_range_runs_the_same_statements_for_one_forum_or_many(client, app):
    starts = utcnow() + dt.timedelta(days=20)
    add_forum(app, series="palveluntuottajafoorumi", starts_at=starts)
    start, end = starts.date() - dt.timedelta(days=5), starts.date() + dt.timedelta(days=20)
    path = f"/api/v1/milestones?start={start}&end={end}"
    one = statements(app, client, path)
    for day in range(1, 6):
        add_forum(app, series=f"series-{day % 2}", starts_at=starts + dt.timedelta(days=day))
    assert len(client.get(path).json) == 6
    assert statements(app, client, path) == one <= 4


def test_the_openapi_document_describes_both_endpoints(client):
    spec = client.get("/api/v1/openapi.json").json
    forum = spec["paths"]["/api/v1/events/{event_id}/milestones"]["get"]
    assert {"200", "404"} <= set(forum["responses"])
    ranged = spec["paths"]["/api/v1/milestones"]["get"]
    assert {"200", "422"} <= set(ranged["responses"])
    assert {p["name"] for p in ranged["parameters"]} == {"start", "end"}
    assert "done_by" not in spec["components"]["schemas"]["Milestone"]["properties"]
