"""Figures 3 (the topic page), 4 (comment submission) and 5 (the moderation queue)."""

import time

import sqlalchemy as sa

from bench.harness import client, seed
from bench.harness.figures_registration import public_page
from bench.harness.run import ratio

PAGE_SIZE = 50  # services.feedback.queue.PAGE_SIZE, the queue's default page
LATE_PAGE = 500


def topic_page(run):
    """Figure 3, second half: a topic page with 200 approved comments, GET at 16 connections."""
    public_page(run, "topic_page", "feedback", f"/topics/{run.ids['shown_topic']}",
                "3 topic page (200 comments) GET @16")


def comment_submission(run):
    """Figure 4: the comment API's POST at 16 connections, each with its own author."""
    floor = run.floor("floor", 16, run.mode["burst_seconds"])
    url = run.suite.url("feedback", f"/api/v1/topics/{run.ids['open_topic']}/comments")
    got = run.load("comment-post", "feedback", url, 16, run.mode["seconds"], "comment", run.tag)
    run.raw["comment"] = {**got, "floor": floor}
    fig = "4 comment submission POST @16"
    rps_ratio = ratio(got["rps"], floor["rps"])
    run.row(fig, "req/s", got["rps"], floor["rps"], rps_ratio, "≥ 0.5 × floor",
            rps_ratio is not None and rps_ratio >= 0.5)
    run.row(fig, "p99 ms", got["p99_ms"], floor["p99_ms"], ratio(got["p99_ms"], floor["p99_ms"]))
    run.row(fig, "errors", got["errors"], floor["errors"], None, "0", got["errors"] == 0)


def late_cursor(engine, page):
    """The ``after`` cursor that opens page ``page`` of the pending queue (the row before it)."""
    from services.feedback.queue import encode_cursor

    with engine.connect() as conn:
        moment, comment_id = conn.execute(sa.text(
            "SELECT submitted_at, id FROM comments WHERE status = 'pending' "
            "ORDER BY submitted_at, id OFFSET :skip LIMIT 1"), {"skip": (page - 1) * PAGE_SIZE - 1}).one()
    return encode_cursor(moment, comment_id)


def moderation_queue(run, fb_app, engine):
    """Figure 5: one logged-in moderator reads page 1 and page 500, alternately."""
    count = run.mode["queue_comments"]
    seed.pending_comments(fb_app, run.ids["queue_topic"], count)
    port = client.port_of(run.suite.url("feedback", "/"))
    browser = client.login(port, *seed.MODERATOR)
    paths = {"page 1": "/staff/moderation?queue=pending",
             f"page {LATE_PAGE}": f"/staff/moderation?queue=pending&after={late_cursor(engine, LATE_PAGE)}"}
    timings = {name: [] for name in paths}
    for _ in range(3):  # warm both pages (templates, caches, connections)
        for path in paths.values():
            _timed_get(browser, path)
    for _ in range(run.mode["queue_samples"]):
        for name, path in paths.items():
            timings[name].append(_timed_get(browser, path))
    stats = {name: {"p50_ms": client.percentile(t, 50) * 1e3, "p95_ms": client.percentile(t, 95) * 1e3}
             for name, t in timings.items()}
    run.raw["moderation_queue"] = {"comments": count, **stats}
    _queue_rows(run, count, stats)


def _timed_get(browser, path):
    """Seconds one GET took; raises unless it answered 200."""
    begin = time.perf_counter()
    status, _ = browser.request("GET", path)
    took = time.perf_counter() - begin
    if status != 200:
        raise RuntimeError(f"GET {path} answered {status}")
    return took


def _queue_rows(run, count, stats):
    """The table lines of figure 5."""
    fig = f"5 moderation queue ({count:,} pending)"
    first, late = stats["page 1"], stats[f"page {LATE_PAGE}"]
    for name, got in stats.items():
        run.row(fig, f"{name} p50 ms", got["p50_ms"])
        run.row(fig, f"{name} p95 ms", got["p95_ms"], goal="≤ 50 ms", met=got["p95_ms"] <= 50)
    growth = ratio(late["p50_ms"], first["p50_ms"])
    run.row(fig, f"page {LATE_PAGE} / page 1 (p50)", growth, goal="≤ 1.2",
            met=growth is not None and growth <= 1.2)
