"""CPU seconds used by the run's process groups (and the machine's PostgreSQL) over a figure.

Read from /proc, so a figure can say where the two cores went: the web workers, the Celery
workers, the SMTP sink, PostgreSQL (every backend on the machine, others' included) or wrk.
"""

import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def _stat(pid_dir):
    """(process group, command name, utime + stime seconds) of one /proc entry, or None."""
    try:
        raw = (pid_dir / "stat").read_text()
    except OSError:
        return None
    name = raw[raw.index("(") + 1: raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2:].split()
    return int(fields[2]), name, (int(fields[11]) + int(fields[12])) / TICKS


def snapshot(groups):
    """{label: CPU seconds so far} for ``groups`` ({label: process group id}) and by name."""
    by_group = {pgid: label for label, pgid in groups.items()}
    totals = dict.fromkeys([*groups, "postgres", "wrk", "redis-server"], 0.0)
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit():
            continue
        found = _stat(pid_dir)
        if found is None:
            continue
        pgid, name, seconds = found
        label = by_group.get(pgid) or (name if name in totals else None)
        if label:
            totals[label] += seconds
    return totals


def used(before, after):
    """CPU seconds per label between two snapshots (rounded)."""
    return {label: round(after[label] - before.get(label, 0.0), 2) for label in after}


def rss_bytes(pgid):
    """The resident memory of every process in group ``pgid``, summed (bytes)."""
    total = 0
    for pid_dir in Path("/proc").iterdir():
        if not pid_dir.name.isdigit():
            continue
        found = _stat(pid_dir)
        if found is None or found[0] != pgid:
            continue
        try:
            status = (pid_dir / "status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total
