"""Figure 8: drafting a memo from a forum's approved comments, and rendering its tagged PDF.

A subprocess (:mod:`bench.harness.memo_worker`) does the work, so its peak memory is measured
alone (``ru_maxrss``), as a worker's would be. Goals from issue 12: the draft of a forum with
5,000 approved comments within 5 s; the PDF within 5 s per 100 pages; peak memory under 300 MiB.
A smoke run drafts far fewer comments.
"""

import json
import subprocess
import sys

from bench.harness import procs, suite

DRAFT_GOAL_SECONDS = 5.0
PDF_GOAL_SECONDS_PER_100_PAGES = 5.0
PEAK_GOAL_MIB = 300.0
TIMEOUT_SECONDS = 240


def _measured(the_run):
    """The subprocess's JSON answer for the run's number of comments."""
    env = suite.environ(suite.settings(the_run.dbs, 0, the_run.work_dir), the_run.work_dir,
                        the_run.dbs)
    done = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "bench.harness.memo_worker", str(the_run.mode["memo_comments"])],
        env=env, cwd=procs.ROOT, capture_output=True, text=True, timeout=TIMEOUT_SECONDS,
        check=False)
    if done.returncode != 0:
        raise RuntimeError(f"memo_worker exited {done.returncode}: {done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def memo(the_run):
    """Draft, render, and add figure 8's rows."""
    got = _measured(the_run)
    the_run.raw["8 memo"] = got
    per_100 = got["pdf_seconds"] * 100 / max(got["pages"], 1)
    the_run.row("8 memo", f"draft from {got['comments']:,} approved comments", got["draft_seconds"],
                goal=f"≤ {DRAFT_GOAL_SECONDS:.0f} s (5,000 comments)",
                met=got["draft_seconds"] <= DRAFT_GOAL_SECONDS, unit="s")
    the_run.row("8 memo", f"tagged PDF, {got['pages']:,} pages", got["pdf_seconds"], unit="s")
    the_run.row("8 memo", "PDF seconds per 100 pages", per_100,
                goal=f"≤ {PDF_GOAL_SECONDS_PER_100_PAGES:.0f} s",
                met=per_100 <= PDF_GOAL_SECONDS_PER_100_PAGES, unit="s")
    the_run.row("8 memo", "worker's peak memory (MiB)", got["peak_mib"],
                goal=f"< {PEAK_GOAL_MIB:.0f} MiB", met=got["peak_mib"] < PEAK_GOAL_MIB, unit="MiB")
    the_run.row("8 memo", "the rendering child's peak memory (MiB)", got["renderer_peak_mib"],
                goal=f"< {PEAK_GOAL_MIB:.0f} MiB", met=got["renderer_peak_mib"] < PEAK_GOAL_MIB,
                unit="MiB")
