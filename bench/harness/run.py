"""One benchmark run's state: its mode, processes, seed ids, floor figures and the table rows."""

import contextlib
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field

from bench.harness import cpu, wrk

#: seconds of load per figure and sizes, for a full run and for ``--smoke``
FULL = {"burst_seconds": 15, "seconds": 10, "queue_comments": 100_000, "queue_samples": 100,
        "mail_messages": 10_000, "drain_seconds": 60, "campaign_timeout": 150,
        "big_subscribers": 100_000, "big_watch_seconds": 30, "memo_comments": 5_000,
        "compliance_requests": 200}
SMOKE = {"burst_seconds": 2, "seconds": 2, "queue_comments": 26_000, "queue_samples": 10,
         "mail_messages": 300, "drain_seconds": 15, "campaign_timeout": 30,
         "big_subscribers": 3_000, "big_watch_seconds": 3, "memo_comments": 300,
         "compliance_requests": 20}


@dataclass
class Run:
    """What the figures share."""

    mode: dict
    suite: object
    dbs: object
    processes: object
    work_dir: object
    tag: str
    profile_dir: object = None
    ids: dict = field(default_factory=dict)
    rows: list = field(default_factory=list)
    raw: dict = field(default_factory=dict)
    floors: dict = field(default_factory=dict)

    def row(self, figure, measure, value, floor=None, ratio=None, goal="", met=None, unit=""):
        """Add one line of the table."""
        self.rows.append({"figure": figure, "measure": measure, "foorumi": value, "floor": floor,
                          "ratio": ratio, "goal": goal, "met": met, "unit": unit})

    def not_measured(self, figure, measure, reason):
        """A table line for something this run did not measure, and why."""
        self.rows.append({"figure": figure, "measure": measure, "foorumi": None, "floor": None,
                          "ratio": None, "goal": "", "met": None, "unit": "",
                          "not_measured": reason})

    def floor(self, kind, connections, seconds=None):
        """The floor's wrk figures for ``kind`` (``floor`` POST or ``get``), measured once a run."""
        key = f"{kind}@{connections}"
        if key not in self.floors:
            url = self.suite.url("floor", "/items")
            self.floors[key] = wrk.run(url, connections, seconds or self.mode["seconds"], kind,
                                       f"{self.tag}f{connections}")
        return self.floors[key]

    def load(self, name, app, url, connections, seconds, kind, tag):
        """wrk against one of the suite's apps, profiled with py-spy when asked."""
        groups = self.processes.groups()
        before = cpu.snapshot(groups)
        with self.profiling(name, app, seconds):
            got = wrk.run(url, connections, seconds, kind, tag)
        got["cpu_seconds"] = cpu.used(before, cpu.snapshot(groups))
        self.settle(app)
        return got

    def settle(self, app, timeout=30.0):
        """Wait until ``app``'s workers have worked off the requests wrk left queued.

        wrk stops at its deadline, but gunicorn still answers the requests already in its
        backlog; the next figure must not pay for them.
        """
        group = {app: self.processes.groups()[app]}
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            before = cpu.snapshot(group)[app]
            time.sleep(0.5)
            if cpu.snapshot(group)[app] - before < 0.05:
                return

    @contextlib.contextmanager
    def profiling(self, name, app, seconds):
        """Sample ``app``'s gunicorn workers with py-spy while the block runs (``--profile``)."""
        if self.profile_dir is None:
            yield
            return
        if shutil.which("py-spy") is None:
            print("bench: --profile needs py-spy (pip install -e '.[bench]'); not profiling",
                  file=sys.stderr)
            self.profile_dir = None
            yield
            return
        out = self.profile_dir / f"{name}.txt"
        spy = subprocess.Popen(["py-spy", "record", "--subprocesses", "-r", "200", "-f", "raw",
                                "-d", str(seconds), "-o", str(out), "--pid",
                                str(self.processes.pid(app))],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            yield
        finally:
            try:
                spy.wait(timeout=seconds + 20)
            except subprocess.TimeoutExpired:
                spy.kill()


def ratio(value, floor):
    """value / floor, or None without a floor."""
    return value / floor if floor else None
