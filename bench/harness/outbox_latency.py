"""Figure 7: from an outbox row's commit to its consumer task starting, during figure 1's load.

The registration service's ``outbox_messages.created_at`` is set at INSERT, in the request's
transaction just before its COMMIT, so it is a (slightly early) commit time. The notify worker runs
under :mod:`bench.harness.probe_worker`, which logs each ``notify.send_email`` start. A message
not started within DRAIN seconds of the burst's end counts as not started; the percentiles
then treat it as later than any started one.
"""

import time

import sqlalchemy as sa

from bench.harness.client import percentile


def starts(probe_file):
    """{message id: first start time (unix)} from the probe file."""
    found = {}
    try:
        with open(probe_file) as lines:
            for line in lines:
                message_id, _, moment = line.strip().partition(" ")
                if moment:
                    found.setdefault(message_id, float(moment))
    except FileNotFoundError:
        pass
    return found


def written(engine, began, ended):
    """{message id: (created_at, sent_at or None) as unix times} of the burst's send_email rows."""
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT message_id, extract(epoch FROM created_at), extract(epoch FROM sent_at) "
            "FROM outbox_messages WHERE topic = 'notify.send_email' "
            "AND created_at BETWEEN to_timestamp(:a) AND to_timestamp(:b)"),
            {"a": began - 1, "b": ended + 1}).all()
    return {m: (float(created), None if sent is None else float(sent)) for m, created, sent in rows}


def _ms(values, pct):
    """The ``pct`` percentile of seconds as ms; None if it falls on a message never started."""
    found = percentile(values, pct)
    return None if found == float("inf") else found * 1e3


def measure(run, engine, began, ended):
    """p50/p95 (ms) of commit → start for the burst between ``began`` and ``ended``."""
    messages = written(engine, began, ended)
    drain = run.mode["drain_seconds"]
    deadline = time.monotonic() + drain
    seen = starts(run.suite.probe_file)
    while time.monotonic() < deadline and not messages.keys() <= seen.keys():
        time.sleep(0.5)
        seen = starts(run.suite.probe_file)
    waits = [seen[m] - created for m, (created, _sent) in messages.items() if m in seen]
    missing = len(messages) - len(waits)
    waits += [float("inf")] * missing
    # where the time went: commit -> the relay published it, and published -> a worker started it
    relayed = [sent - created for created, sent in messages.values() if sent is not None]
    queued = [seen[m] - sent for m, (_c, sent) in messages.items() if m in seen and sent is not None]
    first_last = sorted(seen[m] for m in messages if m in seen)
    span = first_last[-1] - first_last[0] if len(first_last) > 1 else 0
    return {"messages": len(messages), "started": len(messages) - missing, "drain_seconds": drain,
            "p50_ms": _ms(waits, 50), "p95_ms": _ms(waits, 95),
            "max_ms": max((w for w in waits if w != float("inf")), default=0) * 1e3,
            "relay_p95_ms": _ms(relayed, 95), "queue_p95_ms": _ms(queued, 95),
            "consumer_starts_per_s": (len(first_last) - 1) / span if span else None}
