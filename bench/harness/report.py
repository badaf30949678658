"""The run's table on stdout and its JSON file under ``bench/results/``."""

import datetime as dt
import json
import os
import platform
import subprocess

from bench.harness.procs import ROOT

RESULTS = ROOT / "bench" / "results"
COLUMNS = ("figure", "measure", "foorumi", "floor", "ratio", "goal", "met?")


def _fmt(value):
    """A number with sensible digits; text as it is; nothing as '—'."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def cells(row):
    """The printed cells of one row."""
    if row.get("not_measured"):
        return (row["figure"], row["measure"], f"not measured: {row['not_measured']}", "", "", "", "")
    ratio = "—" if row["ratio"] is None else f"{row['ratio']:.2f}×"
    met = "—" if row["met"] is None else ("yes" if row["met"] else "NO")
    return (row["figure"], row["measure"], _fmt(row["foorumi"]), _fmt(row["floor"]), ratio,
            row["goal"] or "—", met)


def table(rows):
    """The rows as a Markdown table (readable in a terminal, pasteable into the README)."""
    lines = [cells(row) for row in rows]
    widths = [max(len(c[i]) for c in [COLUMNS, *lines]) for i in range(len(COLUMNS))]
    fmt = "| " + " | ".join(f"{{:{w}}}" for w in widths) + " |"
    out = [fmt.format(*COLUMNS), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    return "\n".join([*out, *(fmt.format(*c) for c in lines)])


def machine():
    """What the figures were measured on."""
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return {"cpus": os.cpu_count(), "memory_gib": round(mem, 1), "python": platform.python_version(),
            "platform": platform.platform()}


def _commit():
    """The checked-out commit (and whether the tree had changes)."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=10).stdout.strip()
    return {"commit": git("rev-parse", "HEAD"), "dirty": bool(git("status", "--porcelain"))}


def write(run, mode_name, started, failures):
    """Write ``bench/results/<timestamp>.json``; returns its path."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    path = RESULTS / f"{stamp}{'-smoke' if mode_name == 'smoke' else ''}.json"
    doc = {"started": started.isoformat(), "finished": dt.datetime.now(dt.UTC).isoformat(),
           "mode": mode_name, "settings": run.mode, "machine": machine(), "git": _commit(),
           "rows": run.rows, "raw": run.raw, "floors": run.floors, "failures": failures}
    path.write_text(json.dumps(doc, indent=2, default=str) + "\n")
    return path
