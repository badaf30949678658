"""The forum cycle's demo data: two series, their year plans, and forums in every phase.

The providers' forum (palveluntuottajafoorumi) takes the demo forums of
:mod:`services.registration.demo`; the associations' forum (järjestöfoorumi) gets one forum
held in the spring and one planned from a slot. Each series gets the current year's plan with the
policy's themes and the county's decision calendar, and the providers' forum a cancelled forum
and a slot not yet made into a forum. Idempotent: what exists is left as it is.

The demo forums written straight to the database (held ones, with recordings) get the milestones
their rows show, recorded with ``source="demo"``; the rest come from the services' messages once
the worker runs, like in production.
"""

import datetime as dt

import sqlalchemy as sa

from services.registration import changes, operations
from services.registration.cycle import clock, milestones
from services.registration.cycle.models import (
    DecisionBody,
    DecisionMeeting,
    MilestoneKey,
    PlannedSlot,
    Series,
)
from services.registration.models import AgendaItem, Event, EventKind, EventStatus, Theme, db
from shared.auth import StaffUser
from shared.localtime import helsinki

PROVIDERS = "palveluntuottajafoorumi"
ASSOCIATIONS = "jarjestofoorumi"
ASSOCIATIONS_HELD = "Järjestöfoorumi: hyvinvointisuunnitelman seuranta"
ASSOCIATIONS_PLANNED = "Järjestöfoorumi: strategia ja tulevaisuustyö"
CANCELLED = "Palveluntuottajafoorumi: lisätilaisuus palveluseteleistä"
#: the communication partners the policy names, and the memo's default recipients
PARTNERS = [
    {"name": "Alueen yrittäjät ry", "email": "toimisto@yrittajat.example"},
    {"name": "Kauppakamari", "email": "kauppakamari@kauppakamari.example"},
    {"name": "Kuntien elinkeinopalvelut", "email": "elinkeinot@kunta.example"},
    {"name": "Maakuntaliitto", "email": "kirjaamo@maakuntaliitto.example"},
]
RECIPIENTS = [
    {"name": "Aluehallitus", "email": "aluehallitus@hyvinvointialue.example",
     "kind": "regional_government"},
    {"name": "Sosiaali- ja terveyslautakunta", "email": "sotelautakunta@hyvinvointialue.example",
     "kind": "board"},
]
DEMO_BY = "demo"


def _series(slug, **values):
    """The series ``slug``, made with ``values`` if it does not exist (and empty lists filled)."""
    row = db.session.scalar(sa.select(Series).where(Series.slug == slug))
    if row is None:
        row = Series(slug=slug, **values)
        db.session.add(row)
    for name in ("partners", "memo_recipients"):
        if not getattr(row, name) and name in values:
            setattr(row, name, values[name])
    db.session.flush()
    return row


def _day(year, month, day):
    return dt.date(year, month, day)


def _plan(series, year, meetings, slots):
    """The series' plan of ``year`` with its meetings and slots, made once."""
    plan = clock.plan_of(series, year)
    if plan is not None:
        return plan
    plan = clock.create_plan(series, year)
    for body, title, meets_on, theme in meetings:
        plan.meetings.append(DecisionMeeting(body=body, title=title, meets_on=meets_on,
                                             theme=theme))
    for planned_on, theme, title, extra in slots:
        plan.slots.append(PlannedSlot(planned_on=planned_on, theme=theme, title=title,
                                      extra=extra))
    db.session.flush()
    return plan


def _record_held(event):
    """The milestones a held demo forum's rows show (it was written, not published)."""
    milestones.schedule(event)
    published = event.published_at
    for key in (MilestoneKey.ANNOUNCEMENT, MilestoneKey.AGENDA):
        milestones.record(event, key, published, DEMO_BY, source=DEMO_BY,
                          evidence={"items": len(event.agenda_items)})
    if event.recording_published_at:
        milestones.record(event, MilestoneKey.RECORDING_PUBLISHED, event.recording_published_at,
                          DEMO_BY, source=DEMO_BY, evidence={"url": event.recording_url})
    if event.captions is not None:
        milestones.record(event, MilestoneKey.RECORDING_CAPTIONED, event.captions.captioned_at,
                          event.captions.captioned_by, source=DEMO_BY, evidence={})
    if event.status == EventStatus.HELD:
        milestones.record(event, MilestoneKey.EVENT, event.ends_at, DEMO_BY, source=DEMO_BY,
                          evidence={})


def _exists(title):
    return db.session.scalar(sa.select(Event.id).where(Event.title == title)) is not None


def _associations_forums(series, plan, now, admin):
    """The associations' forum held in spring (published on time) and the planned autumn one."""
    if not _exists(ASSOCIATIONS_HELD):
        held = plan.slots[0]
        event = clock.create_forum(held)
        event.agenda_items.append(AgendaItem(title="Hyvinvointisuunnitelman seuranta",
                                             position=1))
        event.status, event.published_at = EventStatus.HELD, event.starts_at - dt.timedelta(days=21)
        db.session.flush()
        _record_held(event)
    if not _exists(ASSOCIATIONS_PLANNED) and len(plan.slots) > 1:
        event = clock.create_forum(plan.slots[1])
        event.agenda_items.append(AgendaItem(title="Hyvinvointialueen strategia", position=1))
        db.session.flush()
        if event.starts_at - now > dt.timedelta(days=series.publish_lead_days):
            operations.publish(event, admin)


def _cancelled_forum(series, now, admin):
    """A providers' forum published, then cancelled with a reason."""
    if _exists(CANCELLED):
        return
    starts = now + dt.timedelta(days=30)
    event = Event(kind=EventKind.FORUM, title=CANCELLED, theme=Theme.OTHER, series_id=series.id,
                  starts_at=starts, ends_at=starts + dt.timedelta(hours=2), venue="Aluetalo",
                  onsite_capacity=20, status=EventStatus.DRAFT)
    event.agenda_items.append(AgendaItem(title="Palvelusetelien hinnoittelu", position=1))
    db.session.add(event)
    db.session.flush()
    operations.publish(event, admin)
    changes.cancel(event, admin, "Aihe käsitellään talousarviofoorumissa.", confirmed=True)


def seed(now):
    """Make the cycle's demo data that does not exist yet (flush); returns a summary."""
    year = now.astimezone(helsinki()).year
    admin = StaffUser(email="admin@foorumi.example", name="Aino Ylläpitäjä", roles="admin")
    providers = _series(PROVIDERS, name="Palveluntuottajafoorumi",
                        working_body="Valmisteleva työryhmä", partners=PARTNERS,
                        memo_recipients=RECIPIENTS)
    associations = _series(ASSOCIATIONS, name="Järjestöfoorumi", forums_per_year_min=2,
                           forums_per_year_max=4, working_body="Järjestöjen vaikuttamistoimielin",
                           partners=PARTNERS[3:], memo_recipients=RECIPIENTS)
    for event in db.session.scalars(sa.select(Event).where(Event.series_id.is_(None))):
        event.series_id = providers.id
    db.session.flush()
    _plan(providers, year, [
        (DecisionBody.REGIONAL_GOVERNMENT, "Strategian päivitys", _day(year, 3, 16), Theme.STRATEGY),
        (DecisionBody.COUNCIL, "Hyvinvointikertomus", _day(year, 6, 8), Theme.WELLBEING),
        (DecisionBody.COUNCIL, f"Talousarvio {year + 1}", _day(year, 12, 14), Theme.BUDGET),
        (DecisionBody.BOARD, "Palvelusetelisääntökirjan yleinen osa", _day(year, 11, 24),
         Theme.BUDGET),
    ], [(_day(year, 12, 28), Theme.BUDGET, "Hankintasuunnitelma", True)])
    plan = _plan(associations, year, [
        (DecisionBody.COUNCIL, "Hyvinvointisuunnitelman seuranta", _day(year, 6, 8),
         Theme.WELLBEING),
    ], [(_day(year, 4, 22), Theme.WELLBEING, ASSOCIATIONS_HELD, False),
        (_day(year, 12, 16), Theme.STRATEGY, ASSOCIATIONS_PLANNED, False)])
    _associations_forums(associations, plan, now, admin)
    _cancelled_forum(providers, now, admin)
    for event in db.session.scalars(sa.select(Event).where(
            Event.kind == EventKind.FORUM, Event.status == EventStatus.HELD,
            ~Event.milestones.any())):
        _record_held(event)
    db.session.flush()
    return {"series": db.session.scalar(sa.select(sa.func.count(Series.id)))}
