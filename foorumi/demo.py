"""Demo data for a first look: one staff login per role, the forums, comments on one of them, and
the memos of the two held ones (one in review, one published).

``foorumi demo`` (and so ``make run``) calls :func:`seed`. Running it again changes nothing: users
that exist are kept as they are, and each service's own ``demo.seed`` is idempotent too. The
passwords are fixed and printed, so the demo is refused in production.
"""

import sqlalchemy as sa

from shared import config

#: (role, email, name, password) of the demo staff; the README lists the same logins
DEMO_STAFF = (
    ("admin", "admin@foorumi.example", "Aino Ylläpitäjä", "demo-admin"),
    ("secretary", "sihteeri@foorumi.example", "Sanna Sihteeri", "demo-secretary"),
    ("moderator", "moderaattori@foorumi.example", "Matti Moderaattori", "demo-moderator"),
    ("working_group", "tyoryhma@foorumi.example", "Tuula Työryhmä", "demo-working-group"),
    ("communications", "viestinta@foorumi.example", "Ville Viestintä", "demo-communications"),
)


class DemoRefused(RuntimeError):
    """Demo data with known passwords was asked for in production."""


def seed_staff():
    """Create the demo staff users that do not exist yet; returns [(role, email, password, new)]."""
    from foorumi.apps import create_portal
    from shared.auth import StaffUser, accounts_db, create_user

    rows = []
    with create_portal().app_context():
        for role, email, name, password in DEMO_STAFF:
            query = sa.select(StaffUser.id).where(StaffUser.email == email)
            exists = accounts_db.session.scalar(query)
            if exists is None:
                create_user(email, name, password, [role])
            rows.append((role, email, password, exists is None))
        accounts_db.session.commit()
    return rows


def seed_registration(now=None):
    """Seed the registration service's demo forums inside its app; returns its summary dict."""
    from services import registration
    from services.registration.models import db

    try:
        from services.registration.demo import seed
    except ModuleNotFoundError as exc:  # the registration service has no demo data yet
        if exc.name != "services.registration.demo":
            raise
        return {}
    with registration.create_app().app_context():
        summary = seed(now=now)
        db.session.commit()
    return summary or {}


def _announcements():
    """The ``event.published`` messages registration has written, oldest first."""
    from services import registration
    from services.registration.models import OutboxMessage, db
    from shared.contracts import events

    with registration.create_app().app_context():
        query = sa.select(OutboxMessage.payload).where(
            OutboxMessage.topic == events.EVENT_PUBLISHED).order_by(OutboxMessage.id)
        return list(db.session.scalars(query))


def seed_receiver(service, payloads, now=None, **extra):
    """Deliver the demo forums' announcements to ``service``, then seed its own demo data.

    Each announcement goes through the service's own consumer of ``event.published`` (the task
    the outbox routes it to), which records the message id, so the worker's later delivery of
    the same messages changes nothing. Returns the service demo's summary.
    """
    from importlib import import_module

    from shared.celery import celery_app
    from shared.contracts import ROUTES, events

    package = import_module(f"services.{service}")
    import_module(f"services.{service}.tasks")  # registers the consumer with the Celery app
    demo = import_module(f"services.{service}.demo")
    db = import_module(f"services.{service}.models").db
    consumer = next(t for t in ROUTES[events.EVENT_PUBLISHED] if t.startswith(f"{service}."))
    with package.create_app().app_context():
        for payload in payloads:
            celery_app.tasks[consumer].run(payload)
        summary = demo.seed(now=now, **extra)
        db.session.commit()
    return summary


def api_answers(payloads):
    """{forum id: (feedback's forum comments answer, registration's event answer)}.

    What a secretary's hand-started draft reads over HTTP, read here from each service's JSON
    API in-process (nothing is served while the demo is seeded).
    """
    from services import feedback, registration

    comments, events_ = feedback.create_app().test_client(), registration.create_app().test_client()
    answers = {}
    for payload in payloads:
        if payload["kind"] != "forum":
            continue
        forum = comments.get(f"/api/v1/forums/{payload['event_id']}/comments")
        event = events_.get(f"/api/v1/events/{payload['event_id']}")
        answers[payload["event_id"]] = (forum.get_json() if forum.status_code == 200 else
                                        {"topics": []},
                                        event.get_json() if event.status_code == 200 else None)
    return answers


#: memo's messages the demo hands on (in the order they were written) to each receiver but notify
MEMO_TOPICS = ("memo.drafted", "memo.approved", "memo.published")


def hand_on_memo_messages():
    """Deliver memo's ``memo.drafted``, ``memo.approved`` and ``memo.published`` messages to each
    receiver's own consumer but notify's delivery (the memo demo recorded its deliveries and
    marked the messages relayed): registration's milestones, the forum's memo link.

    Each consumer records the message id, so running it again changes nothing.
    """
    from importlib import import_module

    from services import memo
    from services.memo.models import OutboxMessage, db
    from shared.celery import celery_app
    from shared.contracts import ROUTES

    with memo.create_app().app_context():
        messages = db.session.execute(sa.select(OutboxMessage.topic, OutboxMessage.payload).where(
            OutboxMessage.topic.in_(MEMO_TOPICS)).order_by(OutboxMessage.id)).all()
    for topic, payload in messages:
        for consumer in ROUTES[topic]:
            if consumer == "notify.deliver_memo":
                continue
            service = consumer.split(".")[0]
            import_module(f"services.{service}.tasks")
            with import_module(f"services.{service}").create_app().app_context():
                celery_app.tasks[consumer].run(payload)
                import_module(f"services.{service}.models").db.session.commit()


def run_clock_once():
    """Run once what beat runs on the clock, so the first look needs no wait: feedback opens and
    closes the demo forums' comment windows (its messages go out when the worker starts), and
    registration moves its forums through their milestones."""
    from services import feedback, registration
    from services.feedback import tasks as feedback_tasks
    from services.registration.cycle import tasks as cycle_tasks

    with feedback.create_app().app_context():
        feedback_tasks.close_windows()
    with registration.create_app().app_context():
        cycle_tasks.advance_cycle()


def hand_on_deliveries():
    """Tell registration's milestones of the deliveries the memo demo recorded as sent, as
    notify's ``memo.delivered`` would have (the demo sent no email). The message ids are made
    from the delivery's id, so running it again changes nothing."""
    import uuid

    from services import memo, registration
    from services.memo.models import Delivery, DeliveryStatus, db
    from services.registration.cycle import tasks as cycle_tasks
    from shared.db import utcnow

    with memo.create_app().app_context():
        rows = db.session.execute(sa.select(
            Delivery.id, Delivery.memo_id, Delivery.publication_id, Delivery.email,
            Delivery.reported_at).where(Delivery.status == DeliveryStatus.SENT)
            .order_by(Delivery.id)).all()
    with registration.create_app().app_context():
        for delivery_id, memo_id, publication_id, email, reported_at in rows:
            cycle_tasks.milestone_from_memo_delivered({
                "message_id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"demo-delivery-{delivery_id}")),
                "occurred_at": (reported_at or utcnow()).isoformat(), "memo_id": memo_id,
                "publication_id": publication_id, "email": email, "status": "sent"})


def print_logins(rows, public_url):
    """Print the demo staff logins as a table."""
    print(f"\nDemo staff logins (log in at {public_url}/registration/staff/login):\n")
    print(f"  {'role':<16}{'email':<32}password")
    for role, email, password, new in rows:
        note = "" if new else "(existed: password unchanged)"
        print(f"  {role:<16}{email:<32}{password:<22}{note}".rstrip())
    print()


def seed(now=None):
    """Seed every demo record and print the logins; refuses with FOORUMI_ENV=production."""
    settings = config.load()
    if settings["ENV"] == "production":
        raise DemoRefused("foorumi demo creates users with known passwords: not in production")
    rows = seed_staff()
    summary = seed_registration(now=now)
    payloads = _announcements()
    comments = seed_receiver("feedback", payloads, now)
    newsletters = seed_receiver("notify", payloads, now)
    memos = seed_receiver("memo", payloads, now, answers=api_answers(payloads))
    hand_on_memo_messages()
    hand_on_deliveries()
    run_clock_once()
    for key, value in {**summary, **comments, **newsletters, **memos}.items():
        print(f"foorumi: demo {key}: {value}")
    print_logins(rows, settings["PUBLIC_URL"].rstrip("/"))
    return {"staff": rows, "registration": summary, "feedback": comments, "notify": newsletters,
            "memo": memos}
