"""Scenario 8: scheduled work with a 60 s visibility timeout and reminders due 180 s ahead.

With Redis as the broker, a message handed to a worker and not acknowledged within the visibility
timeout is given again to whichever worker asks next. A task published with an ETA further ahead
than that timeout waits unacknowledged in a worker the whole time, so Redis hands it to a second
worker, and both run it at the ETA. A reminder scheduled that way goes twice unless sending it is
safe to run twice at once.

The production topology on servers of the test's own: a PostgreSQL cluster, a Redis with
``BROKER_VISIBILITY_TIMEOUT=60``, two ``foorumi worker`` processes that both consume every queue
(as two worker containers would), ``foorumi beat`` and an SMTP sink. Nothing is faked across the
processes, so the time is real: the reminders fall due three visibility timeouts and more after
they are scheduled.

* **Registration's reminder before the forum, the real mechanism**: beat runs
  ``registration.send_reminders`` every ``REMINDER_TICK_SECONDS`` (here 10 s), which finds the due
  reminders in the database. The 20 registrants of a forum starting 24 h + 180 s from now fall due
  180 s from now; beat's tick must remind them, before anything else runs the task.
* **Both reminder tasks also scheduled by ETA**, as an ETA-based design would do it: one copy of
  ``registration.send_reminders`` and one of ``memo.send_review_reminders`` (the working group's
  review reminders, which beat runs hourly) are published with an ETA 195 s ahead, the moment the
  20 registrants of a second forum and the 3 members of an overdue review round fall due. Redis
  gives each copy to a worker again after the visibility timeout (the test checks that it did),
  so at that moment two runs of each task start together, with beat's tick beside them.

What must hold: every registrant and every working-group member gets its reminder exactly once
(the SMTP sink), not before it is due; registration's and memo's own records and notify's ledger
each hold one reminder per recipient, sent; and by the end nothing of it is left in the broker,
so no copy can come later.
"""

import contextlib
import datetime as dt
import json
import re
import secrets
import time

import pytest
import redis
import sqlalchemy as sa

from services import memo, notify, registration
from services.memo import tasks as memo_tasks
from services.memo.models import GroupMember, ReviewReminder, ReviewRound
from services.memo.models import db as memo_db
from services.notify.models import EmailStatus, OutgoingEmail
from services.notify.models import db as notify_db
from services.registration import operations
from services.registration import tasks as registration_tasks
from services.registration.models import OutboxMessage, Registration
from services.registration.models import db as registration_db
from shared.celery import celery_app
from shared.config import SERVICES
from shared.db import dispose_engines, utcnow
from shared.testing.servers import PostgresCluster, RedisServer, database_settings, migrate
from shared.testing.smtp import SMTPServer
from shared.testing.waiting import wait_until
from shared.testing.worker import BeatProcess, WorkerProcess
from tests.memo.staff import memo_in_review
from tests.registration.conftest import build_event

pytestmark = pytest.mark.slow

VISIBILITY_TIMEOUT = 60.0
#: the beat-driven reminders fall due this long after scheduling ...
DUE_IN = 180.0
#: ... and the ones the ETA copies race for this long, after beat's next tick has passed DUE_IN
ETA_IN = DUE_IN + 15.0
TICK = 10.0
HOURS_BEFORE = 24
REGISTRANTS = 20
MEMBERS = 3
#: the reminders must all be out this long after they fall due
SENT_WITHIN = 45.0
#: tasks beat publishes all the time; anything else left in the broker at the end is a stray copy
BEAT_CHORES = {f"{s}.relay_outbox" for s in SERVICES} | {"notify.tick_campaigns",
                                                         registration_tasks.SEND_REMINDERS}
#: both workers consume every queue, in another order, so each has its own node name
QUEUE_ORDERS = (",".join(SERVICES), ",".join(reversed(SERVICES)))


class Topology:
    """The running servers and processes of the scenario."""

    def __init__(self, settings, redis_server, smtp, workers, beat):
        self.settings = settings
        self.redis = redis_server
        self.smtp = smtp
        self.workers = workers
        self.beat = beat

    def broker_tasks(self):
        """(task name, task id) of every message in the broker: in a queue or unacknowledged."""
        client = redis.Redis(port=self.redis.port, socket_timeout=2, socket_connect_timeout=2)
        try:
            raw = [m for queue in SERVICES for m in client.lrange(queue, 0, -1)]
            raw += [json.loads(v)[0] for v in client.hvals("unacked")]
        finally:
            client.close()
        headers = [(json.loads(m) if isinstance(m, bytes | str) else m)["headers"] for m in raw]
        return [(h["task"], h["id"]) for h in headers]

    def runs_of(self, task_id):
        """(times any worker received the task ``task_id``, the results its runs logged)."""
        logs = "\n".join(w.output() for w in self.workers)
        received = len(re.findall(rf"\[{task_id}\] received", logs))
        results = re.findall(rf"\[{task_id}\] (?:succeeded in [\d.e-]+s: (\S+)|(raised|failed))",
                             logs)
        return received, [ok or error for ok, error in results]

    def output(self):
        """The logs of every process, for a failure's message."""
        parts = [f"--- worker {n} ---\n{w.output()[-4000:]}" for n, w in enumerate(self.workers)]
        parts.append(f"--- beat ---\n{self.beat.output()[-2000:]}")
        return "\n".join(parts)


@pytest.fixture
def topology(tmp_path):
    """The scenario's :class:`Topology`, running; everything stopped and removed after."""
    with contextlib.ExitStack() as stack:
        cluster = stack.enter_context(PostgresCluster())
        urls = cluster.create_databases()
        redis_server = stack.enter_context(RedisServer(tmp_path / "redis"))
        smtp = stack.enter_context(SMTPServer())
        settings = {
            "ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48),
            "PUBLIC_URL": "http://127.0.0.1:8080", **database_settings(urls),
            "BROKER_URL": redis_server.url(0),
            "BROKER_VISIBILITY_TIMEOUT": VISIBILITY_TIMEOUT,
            "REMINDER_HOURS_BEFORE": HOURS_BEFORE, "REMINDER_TICK_SECONDS": TICK,
            "RATELIMIT_ENABLED": False,
            "MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port,
            "DEV_MAILBOX": False,
        }
        migrate(settings, tmp_path / "instance")
        workers = []
        for queues in QUEUE_ORDERS:
            worker = WorkerProcess(settings, tmp_path, pool="prefork", concurrency=2, queues=queues)
            stack.callback(worker.stop)
            workers.append(worker.start())
        wait_until(lambda: len(workers[0].ping()) >= 2, timeout=30, message="both workers ready")
        beat = BeatProcess(settings, tmp_path).start()
        stack.callback(beat.stop)
        stack.callback(dispose_engines)  # the test process's own connections to the cluster
        yield Topology(settings, redis_server, smtp, workers, beat)


def register_for_a_forum_due_at(app, due_at, tag):
    """A forum whose reminders fall due at ``due_at``; returns its REGISTRANTS' addresses."""
    emails = [f"{tag}{n}@example.fi" for n in range(REGISTRANTS)]
    with app.app_context():
        event = build_event(title=f"Forum {tag}", starts_at=due_at + dt.timedelta(hours=HOURS_BEFORE),
                            onsite_capacity=REGISTRANTS)
        registration_db.session.add(event)
        registration_db.session.flush()
        for n, email in enumerate(emails):
            operations.register(event, {"name": f"Registrant {n}", "email": email,
                                        "organisation": "Hoiva Oy", "municipality": "Kuopio",
                                        "attendance_mode": "onsite"}, "en")
        registration_db.session.commit()
    return set(emails)


def review_round_overdue(app):
    """A memo in review whose MEMBERS have not answered for a month; returns their addresses."""
    _memo_id, _secretary, members = memo_in_review(app, members=MEMBERS)
    with app.app_context():
        memo_db.session.execute(sa.update(ReviewRound)
                                .values(opened_at=utcnow() - dt.timedelta(days=30)))
        memo_db.session.commit()
    return {m.email for m in members}


def reminders_in_ledger(notify_app, template):
    """{recipient: [(status, created_at, subject)]} of notify's rows of ``template``."""
    with notify_app.app_context():
        rows = notify_db.session.execute(
            sa.select(OutgoingEmail.recipient, OutgoingEmail.status, OutgoingEmail.created_at,
                      OutgoingEmail.subject).where(OutgoingEmail.template == template)).all()
    found = {}
    for recipient, status, created_at, subject in rows:
        found.setdefault(recipient, []).append((status, created_at, subject))
    return found


def received_reminders(smtp, ledger):
    """{recipient: how many messages with its reminder's subject the sink received}."""
    return {to: sum(1 for m in smtp.recorder.received(to) if m["Subject"] == rows[0][2])
            for to, rows in ledger.items()}


def registration_records(app):
    """({recipient: reminder emails in registration's outbox}, {recipient: reminder_sent_at})."""
    with app.app_context():
        payloads = registration_db.session.scalars(
            sa.select(OutboxMessage.payload).where(OutboxMessage.topic == "notify.send_email")).all()
        marked = dict(registration_db.session.execute(
            sa.select(Registration.email, Registration.reminder_sent_at)).all())
    written = {}
    for p in payloads:
        if p["template"] == "registration_reminder":
            written[p["to"]] = written.get(p["to"], 0) + 1
    return written, marked


def memo_records(app):
    """{member's email: ReviewReminder rows} (the memo's own record of reminders)."""
    with app.app_context():
        rows = memo_db.session.execute(
            sa.select(GroupMember.email, sa.func.count()).join(
                ReviewReminder, ReviewReminder.member_id == GroupMember.id)
            .group_by(GroupMember.email)).all()
    return dict(rows)


def test_reminders_due_after_three_visibility_timeouts_go_once(topology):
    test_started = time.monotonic()
    settings = topology.settings
    registration_app = registration.create_app(dict(settings))
    memo_app = memo.create_app(dict(settings))
    notify_app = notify.create_app(dict(settings))
    members = review_round_overdue(memo_app)
    now = utcnow()
    due_at, eta = now + dt.timedelta(seconds=DUE_IN), now + dt.timedelta(seconds=ETA_IN)
    by_beat = register_for_a_forum_due_at(registration_app, due_at, "beat")
    raced = register_for_a_forum_due_at(registration_app, eta, "eta")
    registrants = by_beat | raced
    at_eta = eta + dt.timedelta(milliseconds=200)
    copies = {"registration": celery_app.send_task(registration_tasks.SEND_REMINDERS, eta=at_eta).id,
              "memo": celery_app.send_task(memo_tasks.SEND_REVIEW_REMINDERS, eta=at_eta).id}
    scheduled = time.monotonic()

    def everyone_reminded():
        reg = reminders_in_ledger(notify_app, "registration_reminder")
        mem = reminders_in_ledger(notify_app, "memo_review_reminder")
        if set(reg) != registrants or set(mem) != members:
            return False
        counts = {**received_reminders(topology.smtp, reg), **received_reminders(topology.smtp, mem)}
        return all(counts.values())

    wait_until(everyone_reminded, timeout=ETA_IN + SENT_WITHIN, interval=0.5,
               message=f"every reminder sent\n{topology.output()}")
    reminded_in = time.monotonic() - scheduled

    def nothing_but_beats_chores():
        return all(name in BEAT_CHORES and task_id not in copies.values()
                   for name, task_id in topology.broker_tasks())

    wait_until(nothing_but_beats_chores, timeout=30, interval=0.2,
               message="the broker to hold nothing but beat's chores")
    registration_ledger = reminders_in_ledger(notify_app, "registration_reminder")
    memo_ledger = reminders_in_ledger(notify_app, "memo_review_reminder")
    received = {**received_reminders(topology.smtp, registration_ledger),
                **received_reminders(topology.smtp, memo_ledger)}
    written, marked = registration_records(registration_app)
    memo_rows = memo_records(memo_app)
    runs = {name: topology.runs_of(task_id) for name, task_id in copies.items()}

    def after(times, moment):
        """The earliest and latest of ``times``, in seconds after ``moment``."""
        seconds = [(t - moment).total_seconds() for t in times]
        return f"{min(seconds):.1f}-{max(seconds):.1f} s"

    beat_marked = [marked[to] for to in by_beat]
    raced_marked = [marked[to] for to in raced]
    memo_sent = [rows[0][1] for rows in memo_ledger.values()]
    print(f"\nvisibility timeout {VISIBILITY_TIMEOUT:.0f} s, beat's tick {TICK:.0f} s; "
          f"{REGISTRANTS} registrants due {DUE_IN:.0f} s ahead reminded by beat "
          f"{after(beat_marked, due_at)} after due; {REGISTRANTS} registrants and {MEMBERS} members "
          f"due {ETA_IN:.0f} s ahead, where ETA copies raced, reminded {after(raced_marked, eta)} / "
          f"{after(memo_sent, eta)} after due; each ETA copy (times received, results of its "
          f"runs): {runs}; all out {reminded_in:.0f} s after scheduling; duplicates "
          f"{sum(n - 1 for n in received.values())}; wall {time.monotonic() - test_started:.0f} s")

    # the broker really gave each ETA copy to a worker again: the test proves something
    for name, (times, _results) in runs.items():
        assert times >= 2, (f"the {name} copy was never given again: BROKER_VISIBILITY_TIMEOUT "
                            "must reach the Redis transport's options (shared/celery.py)")
    # each recipient got the reminder once, and every record says so
    assert received == dict.fromkeys(registrants | members, 1), {
        to: n for to, n in received.items() if n != 1}
    assert {to: [s for s, _, _ in rows] for to, rows in registration_ledger.items()} == \
        dict.fromkeys(registrants, [EmailStatus.SENT])
    assert {to: [s for s, _, _ in rows] for to, rows in memo_ledger.items()} == \
        dict.fromkeys(members, [EmailStatus.SENT])
    assert written == dict.fromkeys(registrants, 1)
    assert set(marked) == registrants and None not in marked.values()
    assert memo_rows == dict.fromkeys(members, 1)
    # beat's tick reminded the first forum's registrants once due, before the ETA copies ran
    assert all(due_at <= at < eta for at in beat_marked), beat_marked
    # and nobody was reminded before being due
    assert all(at >= eta for at in raced_marked), raced_marked
