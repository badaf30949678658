"""Seed data written straight into the run's databases through the services' own models.

* registration: published forums with 100 on-site seats (remote unlimited), open for registration;
* feedback: a forum with a topic of 200 approved comments, an open topic to comment on, and a
  queue of pending comments (100,000 in a full run) for the moderation figure;
* accounts: a moderator;
* floor: the floor app's table with 20 rows to read.
"""

import datetime as dt

import sqlalchemy as sa

from shared.db import utcnow

MODERATOR = ("moderaattori@bench.example", "bench-moderator-password")


def _apps(dbs, base):
    """The registration, feedback and notify apps on the run's databases (for app contexts)."""
    from services import feedback, notify, registration

    overrides = {**base, **{k.removeprefix("FOORUMI_"): v for k, v in dbs.environ().items()}}
    return tuple(service.create_app(overrides) for service in (registration, feedback, notify))


def agenda(event, items=5, materials=2):
    """A forum's agenda as the public sees it: items with Markdown and background documents."""
    from services.registration.models import AgendaItem, Material

    for n in range(1, items + 1):
        item = AgendaItem(position=n, title=f"Agenda item {n}", presenter_name=f"Presenter {n}",
                          description=f"**Item {n}.** The [plan](https://county.example/plan) and "
                                      "its follow-up:\n\n- budget\n- procurement\n- vouchers")
        item.materials = [Material(filename=f"material-{n}-{m}.pdf", content_type="application/pdf",
                                   size=4, data=b"%PDF") for m in range(materials)]
        event.agenda_items.append(item)


def forum_events(reg_app, count):
    """``count`` published forums, a month ahead, with 100 on-site seats and a 5-item agenda.

    Returns their ids.
    """
    from services.registration.models import Event, EventStatus, db

    now = utcnow()
    with reg_app.app_context():
        events = [Event(title=f"Bench forum {i}", description="Agenda and background.",
                        starts_at=now + dt.timedelta(days=30), venue="Bench hall",
                        ends_at=now + dt.timedelta(days=30, hours=3), onsite_capacity=100,
                        remote_join_url="https://meet.example/bench", status=EventStatus.PUBLISHED,
                        published_at=now - dt.timedelta(days=1)) for i in range(count)]
        for event in events:
            agenda(event)
        db.session.add_all(events)
        db.session.commit()
        return [event.id for event in events]


def feedback_topics(fb_app, approved=200):
    """A forum with a topic of ``approved`` approved comments and an empty open topic.

    Returns (id of the topic with comments, id of the empty topic).
    """
    from services.feedback.models import Comment, CommentStatus, Forum, Topic, db

    now = utcnow()
    with fb_app.app_context():
        forum = Forum(id=1, title="Bench forum", starts_at=now - dt.timedelta(days=1),
                      ends_at=now - dt.timedelta(hours=20), url="http://127.0.0.1/events/1")
        shown, empty = (Topic(forum=forum, agenda_item_id=n, position=n, title=f"Topic {n}",
                              description="What do you think?", opens_at=forum.starts_at,
                              closes_at=now + dt.timedelta(days=7)) for n in (1, 2))
        db.session.add_all([forum, shown, empty])
        db.session.flush()
        db.session.add_all([Comment(
            topic_id=shown.id, author_name=f"Provider {i}", author_email=f"p{i}@bench.example",
            organisation="Bench Oy", body=f"Comment {i}: **good** point about the [plan](https://x.example).",
            status=CommentStatus.APPROVED, submitted_at=now - dt.timedelta(hours=10, minutes=i),
            approved_at=now - dt.timedelta(hours=9, minutes=200 - i),
        ) for i in range(approved)])
        db.session.commit()
        return shown.id, empty.id


def pending_comments(fb_app, topic_id, count):
    """``count`` confirmed comments waiting for moderation, one a second over the past days."""
    with fb_app.app_context():
        from services.feedback.models import db

        db.session.execute(sa.text(
            "INSERT INTO comments (topic_id, author_name, author_email, organisation, "
            " on_behalf_of_organisation, body, status, locale, created_at, submitted_at) "
            "SELECT :topic, 'Provider ' || n, 'q' || n || '@bench.example', 'Bench Oy', false, "
            " 'Pending comment number ' || n, 'pending', 'fi', "
            " now() - make_interval(secs => :count - n + 60), "
            " now() - make_interval(secs => :count - n + 30) "
            "FROM generate_series(1, :count) AS n"), {"topic": topic_id, "count": count})
        db.session.execute(sa.text("ANALYZE comments"))
        db.session.commit()


def moderator(fb_app):
    """A staff user with the moderator role."""
    from shared.auth import accounts_db, create_user

    with fb_app.app_context():
        create_user(MODERATOR[0], "Bench moderator", MODERATOR[1], ["moderator"])
        accounts_db.session.commit()


def floor_rows(url):
    """The floor app's table and 20 rows for its GET to read."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("CREATE TABLE items (id bigserial PRIMARY KEY, name text NOT NULL, "
                             "email text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())"))
        conn.execute(sa.text("INSERT INTO items (name, email) SELECT 'Row ' || n, "
                             "'row' || n || '@floor.example' FROM generate_series(1, 20) n"))
    engine.dispose()
