"""A held forum as the other services hold it, served over HTTP for memo to read.

registration and feedback run as real apps behind one WSGI dispatcher on a free local port
(``/registration``, ``/feedback``), with PUBLIC_URL pointing there, so the links feedback writes
into ``feedback.window_closed`` are ones memo can follow.
"""

import datetime as dt
import threading

import sqlalchemy as sa
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from services.feedback import closing
from services.feedback.models import CommentStatus, Forum
from services.feedback.models import OutboxMessage as FeedbackOutbox
from services.feedback.models import db as feedback_db
from services.registration import emails as registration_emails
from services.registration.models import (
    AgendaItem,
    AttendanceMode,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from services.registration.models import OutboxMessage as RegistrationOutbox
from services.registration.models import db as registration_db
from shared.db import utcnow
from tests.feedback import builders as feedback_builders

AGENDA = (("Budget 2027", "Finance director Kaisa Kassa", "kaisa@county.example"),
          ("Procurement plan", "Procurement head Pekka Hankinta", "pekka@county.example"))


class Services:
    """registration and feedback served on 127.0.0.1:<port>; ``url`` is the suite's root."""

    def __init__(self, make_app):
        self.server = make_server("127.0.0.1", 0, NotFound(), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.registration = make_app("registration", PUBLIC_URL=self.url)
        self.feedback = make_app("feedback", PUBLIC_URL=self.url)
        self.server.app = DispatcherMiddleware(NotFound(), {
            "/registration": self.registration, "/feedback": self.feedback})
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


def _registration(event, n, mode, checked_in=False):
    """A confirmed registration of the held event."""
    return Registration(event_id=event.id, name=f"Person {n}", email=f"p{n}@example.fi",
                        organisation="Hoiva Oy", municipality="Kuopio", attendance_mode=mode,
                        status=RegistrationStatus.CONFIRMED, privacy_consent_at=utcnow(),
                        manage_token=f"token-{event.id}-{n}",
                        checked_in_at=utcnow() if checked_in else None)


def held_forum(services, days_ago=20, title="Autumn provider forum"):
    """A forum held ``days_ago`` days ago with two agenda items and 3 on-site (2 checked in)
    and 2 remote registrations. Returns (event id, the ``event.published`` payload)."""
    starts = (utcnow() - dt.timedelta(days=days_ago)).replace(microsecond=0)
    with services.registration.app_context():
        event = Event(title=title, starts_at=starts, ends_at=starts + dt.timedelta(hours=3),
                      venue="Town hall, Kuopio", onsite_capacity=10, status=EventStatus.HELD,
                      published_at=starts - dt.timedelta(days=10))
        event.agenda_items = [AgendaItem(position=i, title=t, presenter_name=n, presenter_email=e)
                              for i, (t, n, e) in enumerate(AGENDA, start=1)]
        registration_db.session.add(event)
        registration_db.session.flush()
        registration_db.session.add_all(
            [_registration(event, n, AttendanceMode.ONSITE, checked_in=n < 2) for n in range(3)]
            + [_registration(event, n, AttendanceMode.REMOTE) for n in range(3, 5)])
        registration_emails.event_published(event)
        registration_db.session.commit()
        row = registration_db.session.scalars(sa.select(RegistrationOutbox).where(
            RegistrationOutbox.topic == "event.published").order_by(RegistrationOutbox.id.desc())
        ).first()
        return event.id, row.payload


def comment_and_close(services, announcement, comments):
    """feedback learns the forum, stores ``comments`` [(position, status, values)], and closes
    its windows. Returns the ``feedback.window_closed`` payload (None if none was written)."""
    with services.feedback.app_context():
        forum_id = feedback_builders.sync(announcement)
        topics = {t.position: t.id for t in feedback_db.session.get(
            Forum, forum_id).topics}
        for position, status, values in comments:
            feedback_builders.add_comment(topics[position], status=status, **values)
        closing.close_due_forums()
        feedback_db.session.commit()
        rows = feedback_db.session.scalars(sa.select(FeedbackOutbox).where(
            FeedbackOutbox.topic == "feedback.window_closed").order_by(FeedbackOutbox.id)).all()
        return rows[-1].payload if rows else None


APPROVED = CommentStatus.APPROVED
PENDING = CommentStatus.PENDING
