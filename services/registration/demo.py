"""Demo data for a first look (``foorumi demo``, ``make run``): forums, agenda, material, people.

:func:`seed` runs inside the registration app's context and is idempotent: each demo event is
keyed by its title and made only once, with its agenda and registrations. Demo registrations are
written directly (no emails go out for them); the open forums are published through operations,
so they are announced like any other.
"""

import datetime as dt
import zoneinfo

import sqlalchemy as sa
from flask import current_app

from services.registration import emails, operations
from services.registration.cycle import demo as cycle_demo
from services.registration.models import (
    AgendaItem,
    AttendanceMode,
    Event,
    EventKind,
    EventStatus,
    Material,
    Question,
    QuestionKind,
    RecordingCaptions,
    Registration,
    RegistrationStatus,
    Theme,
    db,
)
from shared import tokens
from shared.db import utcnow

BUDGET_FORUM = "Palveluntuottajafoorumi: talousarvio ja hankintasuunnitelma"
STRATEGY_FORUM = "Palveluntuottajafoorumi: strategia ja tulevaisuustyö"
TARGETED = "Kohdennettu tilaisuus: kotihoidon palveluseteli"
HELD_FORUM = "Palveluntuottajafoorumi: hyvinvointikertomus"
EARLIER_FORUM = "Palveluntuottajafoorumi: palvelusetelit ja hankinnat"
JOIN_URL = "https://meet.example/foorumi-demo"
AREAS = ["Kotihoito", "Asumispalvelut", "Vammaispalvelut", "Muu"]


def _at(now, days, hour, minutes=0):
    """UTC of ``hour``:``minutes`` Helsinki time on the day ``days`` from ``now``."""
    zone = zoneinfo.ZoneInfo(current_app.config["TIMEZONE"])
    day = (now + dt.timedelta(days=days)).astimezone(zone).date()
    return dt.datetime(day.year, day.month, day.day, hour, minutes, tzinfo=zone).astimezone(dt.UTC)


def _pdf_text(text):
    """A PDF string literal's bytes (WinAnsi), with its special characters escaped."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return escaped.encode("cp1252", "replace")


def demo_pdf(lines):
    """A small, valid one-page PDF showing ``lines`` of text."""
    stream = b"BT /F1 14 Tf 72 780 Td 20 TL " + b" ".join(
        b"(" + _pdf_text(line) + b") '" for line in lines) + b" ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return out


def _exists(title):
    """Whether a demo event with this title was already made."""
    return db.session.scalar(sa.select(Event.id).where(Event.title == title)) is not None


def _event(title, **fields):
    """A new event row (flushed)."""
    event = Event(title=title, venue=fields.pop("venue", "Aluetalo, Kuopio"),
                  remote_join_url=JOIN_URL, **fields)
    db.session.add(event)
    db.session.flush()
    return event


AGENDA = [
    ("Talousarvio 2027 ja taloussuunnitelma", "Talousjohtaja Tiina Talous",
     "tiina.talous@hyvinvointialue.example",
     "Talousarvion painopisteet ja mitä ne tarkoittavat palveluntuottajille."),
    ("Hankintasuunnitelma", "Hankintapäällikkö Harri Hankinta",
     "harri.hankinta@hyvinvointialue.example",
     "Tulevat kilpailutukset ja markkinavuoropuhelut."),
    ("Palvelusetelisääntökirjan yleinen osa", "Palveluseteliasiantuntija Paula Seteli",
     "paula.seteli@hyvinvointialue.example",
     "Yleiseen osaan ehdotetut muutokset. **Kommentoi viikon ajan foorumin jälkeen.**"),
]


def _budget_forum(now):
    """The upcoming budget forum: agenda of three, a PDF, two questions, published."""
    event = _event(
        BUDGET_FORUM, theme=Theme.BUDGET, onsite_capacity=40,
        starts_at=_at(now, 21, 13), ends_at=_at(now, 21, 16),
        description="Hyvinvointialueen palveluntuottajafoorumi kokoontuu käsittelemään "
                    "**talousarviota**, hankintasuunnitelmaa ja palvelusetelisääntökirjaa.\n\n"
                    "Voit osallistua paikan päällä tai etäyhteydellä.")
    for position, (title, presenter, email, text) in enumerate(AGENDA, start=1):
        event.agenda_items.append(AgendaItem(title=title, position=position, description=text,
                                             presenter_name=presenter, presenter_email=email))
    pdf = demo_pdf(["Talousarvio 2027 - taustamateriaali", "Palveluntuottajafoorumi",
                    "Demoaineisto: ei todellisia lukuja."])
    event.agenda_items[0].materials.append(Material(
        filename="talousarvio-2027.pdf", content_type="application/pdf", size=len(pdf), data=pdf))
    event.questions.extend([
        Question(kind=QuestionKind.SINGLE_CHOICE, label="Millä palvelualueella toimitte?",
                 required=True, options=AREAS, position=1),
        Question(kind=QuestionKind.SHORT_TEXT, label="Mistä aiheesta toivoisit keskustelua?",
                 position=2),
    ])
    db.session.flush()
    operations.publish(event, None, now=now)
    return event


#: the demo organisations (name, industry, size, region), by registrant number; the last
#: says nothing of itself
PROFILES = [("Hoivapalvelu Oy", "elderly_care", "small", "north"),
            ("Avustajapalvelu Apu ry", "disability", "micro", "south"),
            ("Mielenterveyskeskus Tasapaino Oy", "mental_health", "medium", "centre"),
            ("Kotihoito Kaikille Oy", "home_care", "large", "east"),
            ("Perhetyö Pesä Oy", "child_family", "small", "west"),
            ("Palvelutalo Päivärinne Oy", "elderly_care", "medium", "north"),
            ("Toiminimi Hyvä Arki", None, None, None)]


def _registration(event, number, name, mode=AttendanceMode.ONSITE,
                  status=RegistrationStatus.CONFIRMED, **fields):
    """A demo registrant's row (no emails), its organisation's profile varied by ``number``."""
    now = utcnow()
    profile = dict(zip(("organisation", "industry", "organisation_size", "region"),
                       PROFILES[number % len(PROFILES)], strict=True))
    fields = {**profile, **fields}
    email = f"{name.split()[0].lower()}.{number}@palveluntuottaja.example"
    db.session.add(Registration(
        event_id=event.id, name=name, email=email,
        municipality=fields.pop("municipality", "Kuopio"), attendance_mode=mode, status=status,
        privacy_consent_at=now, manage_token=tokens.random_token(), locale="fi",
        waitlisted_at=now + dt.timedelta(seconds=number)
        if status == RegistrationStatus.WAITLISTED else None, **fields))


def _budget_registrations(event):
    """Three people for the budget forum."""
    area, wish = (str(q.id) for q in event.questions)
    _registration(event, 1, "Anna Aaltonen", answers={area: "Kotihoito", wish: "Indeksikorotukset"},
                  business_id="0737546-2")
    _registration(event, 2, "Pekka Peltonen", answers={area: "Asumispalvelut"},
                  organisation="Asumispalvelu Koti ry", dietary_needs="Gluteeniton")
    _registration(event, 3, "Sari Salo", mode=AttendanceMode.REMOTE, answers={area: "Muu"},
                  organisation="Terapiakeskus Salo")
    return 3


def _strategy_forum(now):
    """The second upcoming forum: a small room, so it has a waiting list."""
    event = _event(STRATEGY_FORUM, theme=Theme.STRATEGY, onsite_capacity=3,
                   starts_at=_at(now, 56, 9), ends_at=_at(now, 56, 12),
                   venue="Kokoushuone Tulevaisuus, Aluetalo",
                   description="Hyvinvointialueen strategia ja tulevaisuustyö.")
    event.agenda_items.append(AgendaItem(title="Strategian luonnos", position=1,
                                         presenter_name="Strategiajohtaja Sanna Suunta"))
    db.session.flush()
    operations.publish(event, None, now=now)
    people = ["Olli Ojala", "Maria Mäkinen", "Juha Jokinen", "Liisa Laine", "Kalle Kallio"]
    for number, name in enumerate(people, start=10):
        waiting = number >= 13
        _registration(event, number, name, status=RegistrationStatus.WAITLISTED if waiting
                      else RegistrationStatus.CONFIRMED)
    _registration(event, 20, "Eeva Etälä", mode=AttendanceMode.REMOTE)
    return event, len(people) + 1


def _targeted_session(now):
    """An invite-only session, still a draft."""
    return _event(TARGETED, kind=EventKind.TARGETED, theme=Theme.OTHER, onsite_capacity=15,
                  starts_at=_at(now, 35, 10), ends_at=_at(now, 35, 11, 30),
                  description="Kotihoidon palvelusetelin tuottajille kohdennettu tilaisuus.")


#: the held forum's captions (law 306/2019), as the demo secretary uploaded them
DEMO_CAPTIONER = "sihteeri@foorumi.example"
DEMO_CAPTIONS = (b"WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nTervetuloa palveluntuottajafoorumiin.\n\n"
                 b"00:00:04.000 --> 00:00:09.000\nAiheena hyvinvointikertomus ja sen seuranta.\n")


def _held_forum(now):
    """Last week's forum: held, with a recording published three days ago and captioned."""
    event = _event(HELD_FORUM, theme=Theme.WELLBEING, onsite_capacity=30,
                   starts_at=_at(now, -6, 13), ends_at=_at(now, -6, 16),
                   status=EventStatus.HELD, published_at=now - dt.timedelta(days=30),
                   recording_url="https://video.example/foorumi-hyvinvointikertomus",
                   recording_published_at=now - dt.timedelta(days=3),
                   description="Hyvinvointikertomus ja -suunnitelma sekä niiden seuranta.")
    captioned = now - dt.timedelta(days=2)
    event.captions = RecordingCaptions(data=DEMO_CAPTIONS, size=len(DEMO_CAPTIONS),
                                       captioned_at=captioned, captioned_by=DEMO_CAPTIONER,
                                       uploaded_at=captioned, uploaded_by=DEMO_CAPTIONER)
    event.agenda_items.append(AgendaItem(title="Hyvinvointikertomus 2026", position=1,
                                         presenter_name="Hyvinvointikoordinaattori Helena Hyvä"))
    event.agenda_items.append(AgendaItem(title="Hyvinvointisuunnitelman seuranta", position=2,
                                         presenter_name="Hyvinvointijohtaja Harri Hyvönen"))
    db.session.flush()
    emails.event_published(event)
    _registration(event, 30, "Anna Aaltonen", checked_in_at=event.starts_at)
    _registration(event, 31, "Timo Tuominen", checked_in_at=event.starts_at)
    return event, 2


EARLIER_AGENDA = [
    ("Kotihoidon palvelusetelin sääntökirja", "Palveluseteliasiantuntija Paula Seteli",
     "paula.seteli@hyvinvointialue.example"),
    ("Asumispalvelujen kilpailutus", "Hankintapäällikkö Harri Hankinta",
     "harri.hankinta@hyvinvointialue.example"),
]


def _earlier_forum(now):
    """A forum held about three months ago, whose memo the demo has published (see memo's demo)."""
    event = _event(EARLIER_FORUM, theme=Theme.BUDGET, onsite_capacity=40,
                   starts_at=_at(now, -90, 13), ends_at=_at(now, -90, 16),
                   status=EventStatus.HELD, published_at=now - dt.timedelta(days=120),
                   description="Palvelusetelien sääntökirjat ja tulevat kilpailutukset.")
    for position, (title, presenter, email) in enumerate(EARLIER_AGENDA, start=1):
        event.agenda_items.append(AgendaItem(title=title, position=position,
                                             presenter_name=presenter, presenter_email=email))
    db.session.flush()
    emails.event_published(event)
    _registration(event, 40, "Pekka Peltonen", checked_in_at=event.starts_at)
    _registration(event, 41, "Sari Salo", mode=AttendanceMode.REMOTE)
    return event, 2


def seed(now=None):
    """Make the demo events that do not exist yet, and commit; returns a short summary."""
    now = now or utcnow()
    made, registrations = [], 0
    if not _exists(BUDGET_FORUM):
        event = _budget_forum(now)
        registrations += _budget_registrations(event)
        made.append(event.title)
    if not _exists(STRATEGY_FORUM):
        event, n = _strategy_forum(now)
        registrations, made = registrations + n, [*made, event.title]
    if not _exists(TARGETED):
        made.append(_targeted_session(now).title)
    if not _exists(HELD_FORUM):
        event, n = _held_forum(now)
        registrations, made = registrations + n, [*made, event.title]
    if not _exists(EARLIER_FORUM):
        event, n = _earlier_forum(now)
        registrations, made = registrations + n, [*made, event.title]
    cycle_demo.seed(now)
    db.session.commit()
    return {"events created": len(made), "registrations created": registrations,
            "events in total": db.session.scalar(sa.select(sa.func.count(Event.id)))}
