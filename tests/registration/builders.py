"""Rows for the registration page tests, written straight to the database; and a form to post."""

import datetime as dt
import io
import zipfile

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from services.registration.models import (
    AgendaItem,
    AttendanceMode,
    Event,
    EventKind,
    EventStatus,
    Invitation,
    Material,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
    Theme,
    db,
)
from shared.auth import accounts as auth_accounts
from shared.db import utcnow

JOIN_URL = "https://meet.example/j/secret-join-123"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def fast_passwords(monkeypatch):
    """Cheap argon2 settings, so logging staff in does not dominate the tests' time."""
    monkeypatch.setattr(auth_accounts, "hasher", PasswordHasher(time_cost=1, memory_cost=1024,
                                                       parallelism=1))


def english(app):
    """A test client that asks for English pages."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def add_event(app, **fields):
    """A published open forum three weeks ahead (override any column); returns its id."""
    now = utcnow()
    starts = fields.pop("starts_at", now + dt.timedelta(days=21))
    values = {
        "kind": EventKind.FORUM, "title": "Budget forum", "theme": Theme.BUDGET,
        "description": "Talk about **money**.", "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=3), "venue": "City hall", "onsite_capacity": 10,
        "remote_join_url": JOIN_URL, "status": EventStatus.PUBLISHED,
        "published_at": now - dt.timedelta(days=1),
    }
    values.update(fields)
    with app.app_context():
        event = Event(**values)
        db.session.add(event)
        db.session.commit()
        return event.id


def add_item(app, event_id, title="Budget 2027", **fields):
    """An agenda item at the end of the agenda; returns its id."""
    with app.app_context():
        position = 1 + (db.session.scalar(sa.select(sa.func.count(AgendaItem.id))
                                          .where(AgendaItem.event_id == event_id)) or 0)
        item = AgendaItem(event_id=event_id, title=title, position=position,
                          presenter_name=fields.pop("presenter_name", "Paula Presenter"),
                          presenter_email=fields.pop("presenter_email", "paula@county.example"),
                          **fields)
        db.session.add(item)
        db.session.commit()
        return item.id


def add_material(app, item_id, filename="budget.pdf", data=PDF, content_type="application/pdf"):
    """A stored background document; returns its id."""
    with app.app_context():
        material = Material(agenda_item_id=item_id, filename=filename, content_type=content_type,
                            size=len(data), data=data)
        db.session.add(material)
        db.session.commit()
        return material.id


def add_question(app, event_id, kind, label, required=False, options=()):
    """A custom question; returns its id."""
    with app.app_context():
        position = 1 + (db.session.scalar(sa.select(sa.func.count(Question.id))
                                          .where(Question.event_id == event_id)) or 0)
        question = Question(event_id=event_id, kind=QuestionKind(kind), label=label,
                            required=required, options=list(options), position=position)
        db.session.add(question)
        db.session.commit()
        return question.id


def add_invitation(app, event_id, email="guest@example.fi", token="invite-token-1"):
    """An invitation to a targeted session; returns its token."""
    with app.app_context():
        db.session.add(Invitation(event_id=event_id, email=email, token=token))
        db.session.commit()
    return token


def add_registration(app, event_id, email="reg@example.fi", **fields):
    """A registration row (confirmed on-site unless told); returns (id, manage token)."""
    values = {
        "name": "Reino Registrant", "organisation": "Care Oy", "municipality": "Kuopio",
        "attendance_mode": AttendanceMode.ONSITE, "status": RegistrationStatus.CONFIRMED,
        "privacy_consent_at": utcnow(), "manage_token": f"token-{email}", "answers": {},
    }
    values.update(fields)
    if values["status"] == RegistrationStatus.WAITLISTED:
        values.setdefault("waitlisted_at", utcnow())
    with app.app_context():
        registration = Registration(event_id=event_id, email=email, **values)
        db.session.add(registration)
        db.session.commit()
        return registration.id, registration.manage_token


def count(app, model, *where):
    """How many rows of ``model`` match ``where``."""
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def load(app, model, ident):
    """A fresh copy of one row (None if gone)."""
    with app.app_context():
        row = db.session.get(model, ident)
        if row is not None:
            db.session.expunge(row)
        return row


def registration_form(**overrides):
    """A valid registration form post."""
    form = {
        "name": "Maija Meikäläinen", "email": "maija@example.fi", "organisation": "Hoiva Oy",
        "business_id": "0737546-2", "municipality": "Kuopio", "attendance_mode": "onsite",
        "dietary_needs": "", "accessibility_needs": "", "privacy_consent": "y",
    }
    form.update(overrides)
    return {k: v for k, v in form.items() if v is not None}


def office_zip(folder, name="document.xml"):
    """The bytes of a ZIP package holding ``folder``/``name`` (a stand-in Office file)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(f"{folder}{name}", "<xml/>")
    return buffer.getvalue()
