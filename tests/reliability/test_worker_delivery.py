"""A real Celery worker on Redis delivers the registration confirmation to a real SMTP server.

The registration is made through ``operations.register`` in the registration app, which publishes
its outbox right after the commit; a ``foorumi worker`` subprocess picks the message up, notify
renders and sends it, and aiosmtpd in the test process receives it.
"""

import datetime as dt

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from services.notify.models import EmailStatus, OutgoingEmail
from services.notify.models import db as notify_db
from services.registration import links, operations
from services.registration.models import Event, EventStatus, OutboxMessage, db
from shared.db import utcnow
from shared.testing.databases import redis_url
from shared.testing.waiting import wait_until

pytestmark = pytest.mark.slow

REDIS_DB = 12
TITLE = "Provider forum: procurement plan"


def register_on_site(app, email="maija@example.fi"):
    """A published forum and an on-site registration, committed; returns (event, manage URL)."""
    starts = (utcnow() + dt.timedelta(days=14)).replace(microsecond=0)
    with app.app_context():
        event = Event(title=TITLE, starts_at=starts, ends_at=starts + dt.timedelta(hours=3),
                      venue="Town hall", onsite_capacity=5, remote_join_url="https://meet.example/x",
                      status=EventStatus.PUBLISHED, published_at=utcnow() - dt.timedelta(hours=1))
        db.session.add(event)
        db.session.flush()
        registration, created = operations.register(
            event, {"name": "Maija Meikäläinen", "email": email, "organisation": "Hoiva Oy",
                    "municipality": "Kuopio", "attendance_mode": "onsite"}, "en")
        db.session.commit()
        assert created
        return event, links.manage_url(registration.manage_token)


def email_status(app, recipient):
    """The notify row's status for ``recipient``, or None."""
    with app.app_context():
        return notify_db.session.scalar(
            sa.select(OutgoingEmail.status).where(OutgoingEmail.recipient == recipient))


@pytest.mark.parametrize("pool", ["threads", "prefork"])
def test_worker_delivers_the_confirmation_with_its_ics(make_app, create_worker, smtp, pool):
    broker = redis_url(REDIS_DB)
    create_worker(pool=pool, BROKER_URL=broker, MAIL_BACKEND="smtp", SMTP_PORT=smtp.port)
    app = make_app("registration", BROKER_URL=broker, PUBLISH_IMMEDIATELY=True)
    event, manage_url = register_on_site(app)

    (msg,) = smtp.recorder.wait_for(1, to="maija@example.fi", timeout=20)

    assert msg["Subject"] == f"Registration confirmed: {TITLE}"
    assert manage_url in msg.get_body(("plain",)).get_content()
    (ics,) = [p for p in msg.iter_attachments() if p.get_content_type() == "text/calendar"]
    vevent = Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]
    assert vevent.decoded("DTSTART") == event.starts_at
    assert str(vevent["SUMMARY"]) == TITLE
    assert manage_url in str(vevent["DESCRIPTION"])
    assert "meet.example" not in ics.get_content()  # on-site: no join link anywhere
    notify_app = make_app("notify", BROKER_URL=broker)
    wait_until(lambda: email_status(notify_app, "maija@example.fi") == EmailStatus.SENT,
               timeout=10, message="the email row to be SENT")
    with app.app_context():
        assert db.session.scalars(sa.select(OutboxMessage.sent_at)).all() != [None]
        assert None not in db.session.scalars(sa.select(OutboxMessage.sent_at)).all()
    assert len(smtp.recorder.received()) == 1
