"""``bench/run``: start the suite and its floor, run the figures, print the table, write the JSON.

    bench/run              the full run (about 5 minutes, never more than 10)
    bench/run --smoke      every figure for a couple of seconds (CI: no timing is asserted)
    bench/run --only 1,5   some figures (7 comes with 1; c is the compliance dashboard)
    bench/run --profile    also sample the measured web workers with py-spy (bench/results/)

Exits 0 when every figure ran (whatever the goals say), 1 when the harness itself broke, and
128 + N on signal N. Whatever it started is stopped and its databases dropped in every case.
"""

import argparse
import datetime as dt
import os
import shutil
import signal
import sys
import tempfile
import traceback
from pathlib import Path

WORK_DIR = Path(tempfile.mkdtemp(prefix="foorumi-bench-"))
os.environ["FOORUMI_INSTANCE_DIR"] = str(WORK_DIR / "instance")  # before shared.config loads

import sqlalchemy as sa  # noqa: E402

from bench.harness import (  # noqa: E402
    client,
    figures_compliance,
    figures_feedback,
    figures_mail,
    figures_memo,
    figures_registration,
    procs,
    report,
    run,
    seed,
    statements,
    suite,
    wrk,
)
from bench.harness.databases import FLOOR, Databases  # noqa: E402

#: seconds after which the whole run is stopped, whatever it is doing
BUDGET = {"full": 600, "smoke": 300}
#: 9 is the SQL statements per request (not a figure of the issue; exact on a noisy machine);
#: c is the compliance dashboard for ten years of two series
FIGURES = "123456789c"


def parse(argv):
    """The command line."""
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a couple of seconds per figure")
    parser.add_argument("--only", default=FIGURES, help="figure numbers to run, e.g. 1,5")
    parser.add_argument("--profile", action="store_true", help="py-spy the measured workers")
    parser.add_argument("--seconds", type=int, help="load seconds of every figure (iterating)")
    return parser.parse_args(argv)


def _alarm(_signum, _frame):
    """The run took longer than its budget."""
    raise TimeoutError("the benchmark run went over its time budget")


class Cleanup:
    """Stop the processes and drop the databases, once."""

    def __init__(self, processes, dbs):
        self.processes, self.dbs, self.done = processes, dbs, False

    def __call__(self):
        if self.done:
            return
        self.done = True
        signal.alarm(0)
        try:
            self.processes.stop_all()
        finally:
            self.dbs.drop_all()
            suite.empty_queues()


def prepare(dbs, processes, args):
    """Databases, seed data and processes; returns (Run, the harness's apps of three services)."""
    dbs.create_all()
    seed.floor_rows(dbs.url(FLOOR))
    smtp_port = procs.free_port()
    foorumi = suite.settings(dbs, smtp_port, WORK_DIR)
    reg_app, fb_app, notify_app = seed._apps(dbs, {"ENV": "production", "BROKER_URL": suite.REDIS_URL,
                                       "SECRET_KEY": foorumi["SECRET_KEY"],
                                       "MAIL_BACKEND": "smtp"})
    events = seed.forum_events(reg_app, 4)
    shown, open_topic = seed.feedback_topics(fb_app)
    seed.moderator(fb_app)
    started = suite.start(processes, dbs, WORK_DIR, foorumi)
    profile_dir = Path(tempfile.gettempdir()) / f"foorumi-bench-profile-{dbs.prefix}"
    profile_dir = profile_dir if args.profile else None
    if profile_dir:
        profile_dir.mkdir(parents=True, exist_ok=True)
        print(f"bench: py-spy profiles go to {profile_dir}", file=sys.stderr)
    mode = dict(run.SMOKE if args.smoke else run.FULL)
    if args.seconds:
        mode.update(seconds=args.seconds, burst_seconds=args.seconds)
    the_run = run.Run(mode=mode, suite=started, dbs=dbs,
                      processes=processes, work_dir=WORK_DIR, tag=dbs.prefix.split("_", 1)[1],
                      profile_dir=profile_dir)
    # the 4th event is figure 9's alone: its registration is always the first, confirmed on-site
    the_run.ids.update(burst_events=events[:2], form_event=events[2], count_event=events[3],
                       shown_topic=shown,
                       open_topic=open_topic, queue_topic=shown)
    warm_up(started, the_run.ids)
    return the_run, (reg_app, fb_app, notify_app)


def warm_up(started, ids):
    """A few GETs of each app, so both workers of each have loaded their pages before timing."""
    paths = {"registration": f"/events/{ids['form_event']}/register",
             "feedback": f"/topics/{ids['shown_topic']}", "floor": "/items"}
    for name, path in paths.items():
        browser = client.Browser(client.port_of(started.url(name, "/")))
        for _ in range(6):
            browser.request("GET", path)


def steps(the_run, apps):
    """(figure number, name, callable) in the order they run."""
    reg_app, fb_app, notify_app = apps
    reg = sa.create_engine(the_run.dbs.url("registration"))
    fb = sa.create_engine(the_run.dbs.url("feedback"))
    return [
        ("1", "registration burst", lambda: figures_registration.burst(the_run, reg)),
        ("2", "registration form", lambda: figures_registration.form(the_run)),
        ("3", "event page", lambda: figures_registration.event_page(the_run)),
        ("3", "topic page", lambda: figures_feedback.topic_page(the_run)),
        ("4", "comment submission", lambda: figures_feedback.comment_submission(the_run)),
        ("5", "moderation queue", lambda: figures_feedback.moderation_queue(the_run, fb_app, fb)),
        ("6", "newsletter", lambda: figures_mail.newsletter(the_run, notify_app)),
        ("9", "statements", lambda: statements.measure(the_run, reg_app, fb_app)),
        ("8", "memo", lambda: figures_memo.memo(the_run)),
        ("c", "compliance dashboard", lambda: figures_compliance.dashboard(the_run, reg_app)),
    ]


def measure(the_run, apps, only):
    """Run the chosen figures; a figure that breaks is recorded and the others still run."""
    failures = []
    for number, name, step in steps(the_run, apps):
        if number not in only:
            continue
        print(f"bench: figure {number}: {name}", file=sys.stderr, flush=True)
        try:
            step()
        except Exception as exc:  # noqa: BLE001 - one broken figure must not hide the others
            traceback.print_exc()
            failures.append(f"figure {number} ({name}): {exc!r}")
            the_run.not_measured(f"{number} {name}", "", f"the harness failed: {exc!r}")
    return failures


def main(argv=None):
    """Run the benchmarks; see the module docstring for the exit codes."""
    args = parse(argv)
    mode_name = "smoke" if args.smoke else "full"
    started = dt.datetime.now(dt.UTC)
    processes, dbs = procs.Processes(WORK_DIR), Databases()
    cleanup = Cleanup(processes, dbs)
    procs.on_signals(cleanup)
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(BUDGET[mode_name])
    failures = ["wrk is not installed (apt-get install wrk)"] if not wrk.available() else []
    try:
        if not failures:
            the_run, apps = prepare(dbs, processes, args)
            failures = measure(the_run, apps, set(args.only.replace(",", "")))
            print(report.table(the_run.rows))
            print(f"bench: wrote {report.write(the_run, mode_name, started, failures)}")
    except Exception as exc:  # noqa: BLE001 - report, clean up, exit 1
        traceback.print_exc()
        failures.append(repr(exc))
    finally:
        cleanup()
    for failure in failures:
        print(f"bench: FAILED: {failure} (logs: {WORK_DIR})", file=sys.stderr)
    if not failures:
        shutil.rmtree(WORK_DIR, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
