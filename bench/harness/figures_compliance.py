"""Figure c: the compliance dashboard and its CSV for ten years of two series (80 forums).

Each forum is seeded with every milestone done, its recording, captions and a recorded change,
through registration's own models. Then:

* statements per request (as figure 9, through Flask's test client in the harness's process)
  with 20 forums and again with 80, on the run's PostgreSQL database and on a SQLite file
  migrated the same way: the goal is the same number whatever the number of forums;
* the latency of ``GET /staff/compliance`` and ``/staff/compliance.csv`` from the gunicorn
  service logged in as staff (one client, a bounded number of requests, 127.0.0.1 only), beside
  the floor's ``GET /items`` timed the same way in the same run. Goal: p95 under 200 ms.
"""

import datetime as dt
import json
import subprocess
import sys
import time

import sqlalchemy as sa

from bench.harness import client, procs, seed, suite
from bench.harness.run import ratio
from shared.db import engine_for, utcnow
from shared.testing.statements import recording

FIGURE = "c compliance dashboard"
PATHS = ("/staff/compliance", "/staff/compliance.csv")
GOAL_P95_MS = 200.0
#: forums a year of each series, and the years: 2 series x 10 years x 4 = 80 forums
PER_YEAR, YEARS = 4, 10
#: the memo's recipients as ``memo.published`` reports them
RECIPIENTS = {"recipients": [{"kind": k} for k in ("board", "regional_government", "presenter")]}


def _forum(series, starts_at, n):
    """One forum of ``series`` with every milestone done in time, captions and a change."""
    from services.registration.cycle import milestones
    from services.registration.cycle.models import MilestoneKey as K
    from services.registration.models import (
        ChangeAction,
        Event,
        EventChange,
        EventStatus,
        RecordingCaptions,
        db,
    )

    end = starts_at + dt.timedelta(hours=3)
    event = Event(title=f"{series.name} {n}", starts_at=starts_at, ends_at=end, series=series,
                  status=EventStatus.HELD, published_at=starts_at - dt.timedelta(days=20),
                  recording_url="https://video.example/r", recording_published_at=end)
    event.captions = RecordingCaptions(data=b"WEBVTT\n", size=7, captioned_by="bench",
                                       uploaded_by="bench",
                                       captioned_at=end + dt.timedelta(days=2))
    event.changes.append(EventChange(action=ChangeAction.CHANGED, reason="Moved", changed_by="b",
                                     changed_at=starts_at - dt.timedelta(days=10)))
    db.session.add(event)
    db.session.flush()
    milestones.schedule(event)
    for key, due in milestones.due_dates(event).items():  # each done on its day: all green
        milestones.record(event, key, at=due, by="bench", source="bench",
                          evidence=RECIPIENTS if key == K.MEMO_PUBLISHED else {})


def seed_forums(app, first, last):
    """Forums number ``first``..``last - 1`` of the 80: two series, four a year, ten years."""
    from services.registration.cycle.models import Series
    from services.registration.models import db

    this_year = utcnow().year
    with app.app_context():
        series = [db.session.scalar(sa.select(Series).filter_by(slug=slug))
                  or Series(slug=slug, name=name) for slug, name in (
                      ("bench-providers", "Bench providers' forum"),
                      ("bench-associations", "Bench associations' forum"))]
        for n in range(first, last):
            year = this_year - YEARS + 1 + n // (2 * PER_YEAR) % YEARS
            month = 2 + 3 * (n % PER_YEAR)
            _forum(series[n // PER_YEAR % 2], dt.datetime(year, month, 10, 10, tzinfo=dt.UTC), n)
        db.session.commit()


def _statements(app):
    """{path: statements of one GET} through ``app``'s test client, logged in as staff."""
    engine = engine_for(app.config["REGISTRATION_DATABASE_URL"])
    app.config["WTF_CSRF_ENABLED"] = False
    browser = app.test_client()
    assert browser.post("/staff/login", data={"email": seed.MODERATOR[0],
                                              "password": seed.MODERATOR[1]}).status_code == 302
    found = {}
    for path in PATHS:
        browser.get(path)  # warm: templates compiled
        with recording(engine) as seen:
            status = browser.get(path).status_code
        assert status == 200, (path, status)
        found[path] = len(seen)
    return found


def _sqlite_counts(path):
    """{"20": ..., "80": ...} statements per GET on a fresh, migrated SQLite file at ``path``.

    Run in a child process (:func:`main`): registration's ``db`` is one per process and binds to
    the app built last, so the harness's own app stays on PostgreSQL.
    """
    from foorumi.migrations import FOLDERS
    from services import registration
    from shared import migrate

    url = f"sqlite:///{path}"
    migrate.upgrade("registration", FOLDERS["registration"], url)
    app = registration.create_app({"REGISTRATION_DATABASE_URL": url, "BROKER_URL": "memory://"})
    return _counts(app)


def _counts(app):
    """Seed 20 forums, count; seed the other 60, count."""
    seed_forums(app, 0, 20)
    small = _statements(app)
    seed_forums(app, 20, 2 * PER_YEAR * YEARS)
    return {"20": small, "80": _statements(app)}


def _sqlite_child(the_run):
    """The SQLite counts, from a child process on the run's settings."""
    env = suite.environ(suite.settings(the_run.dbs, 0, the_run.work_dir), the_run.work_dir,
                        the_run.dbs)
    done = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "bench.harness.figures_compliance",
         str(the_run.work_dir / "bench-compliance.sqlite")],
        env=env, cwd=procs.ROOT, capture_output=True, text=True, timeout=240, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the SQLite count exited {done.returncode}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _timed(port, path, count, login=True):
    """{"p50_ms", "p95_ms", "errors"} of ``count`` sequential GETs of ``path``."""
    browser = client.login(port, *seed.MODERATOR) if login else client.Browser(port)
    times, errors = [], 0
    for _ in range(count):
        began = time.perf_counter()
        status, _text = browser.request("GET", path)
        times.append(time.perf_counter() - began)
        errors += status != 200
    return {"p50_ms": client.percentile(times, 50) * 1e3,
            "p95_ms": client.percentile(times, 95) * 1e3, "errors": errors, "requests": count}


def _statement_rows(the_run, backend, small, large):
    """The table lines of statements per request for 20 and for 80 forums."""
    for path in PATHS:
        the_run.row(FIGURE, f"{backend}: statements per GET {path}, 20 → 80 forums",
                    f"{small[path]} → {large[path]}", goal="equal",
                    met=small[path] == large[path])


def _latency(the_run):
    """Time the dashboard and its CSV beside the floor (the run's bounded count); add rows."""
    count = the_run.mode["compliance_requests"]
    reg_port = client.port_of(the_run.suite.url("registration", "/"))
    floor = _timed(client.port_of(the_run.suite.url("floor", "/")), "/items", count, login=False)
    the_run.raw["compliance_floor"] = floor
    for path in PATHS:
        _timed(reg_port, path, 3)  # warm both workers' templates
        got = _timed(reg_port, path, count)
        the_run.raw[f"compliance {path}"] = got
        fig = f"{FIGURE} GET {path} (80 forums, {count} requests)"
        the_run.row(fig, "p50 ms", got["p50_ms"], floor["p50_ms"],
                    ratio(got["p50_ms"], floor["p50_ms"]))
        the_run.row(fig, "p95 ms", got["p95_ms"], floor["p95_ms"],
                    ratio(got["p95_ms"], floor["p95_ms"]), f"< {GOAL_P95_MS:.0f} ms",
                    got["p95_ms"] < GOAL_P95_MS)
        the_run.row(fig, "errors", got["errors"], floor["errors"], None, "0", got["errors"] == 0)


def _rows(the_run, backend, counts):
    """Record one database's counts and add their rows."""
    the_run.raw[f"compliance statements {backend}"] = counts
    _statement_rows(the_run, backend, counts["20"], counts["80"])


def dashboard(the_run, reg_app):
    """Count statements at 20 and 80 forums (PostgreSQL, then SQLite), time the pages at 80."""
    _rows(the_run, "PostgreSQL", _counts(reg_app))
    _latency(the_run)
    _rows(the_run, "SQLite", _sqlite_child(the_run))


def main(argv):
    """The child: print the SQLite counts as one JSON line."""
    print(json.dumps(_sqlite_counts(argv[1])))


if __name__ == "__main__":
    main(sys.argv)
