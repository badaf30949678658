"""Figures 1, 2, 3 (the event page) and 7: registration under a burst, its form, its outbox."""

import time

import sqlalchemy as sa

from bench.harness import client, outbox_latency
from bench.harness.run import ratio

GOAL_BURST = "req/s ≥ 0.5 × floor; p99 ≤ 2 × floor; no overbooking; no errors"


def seat_counts(engine, event_id):
    """{"onsite_confirmed", "onsite_waitlisted", "remote", "total"} of one event."""
    with engine.connect() as conn:
        row = conn.execute(sa.text(
            "SELECT count(*) FILTER (WHERE attendance_mode = 'onsite' AND status = 'confirmed'), "
            "count(*) FILTER (WHERE attendance_mode = 'onsite' AND status = 'waitlisted'), "
            "count(*) FILTER (WHERE attendance_mode = 'remote'), count(*) "
            "FROM registrations WHERE event_id = :id"), {"id": event_id}).one()
    return dict(zip(("onsite_confirmed", "onsite_waitlisted", "remote", "total"), row, strict=True))


def burst(run, engine):
    """Figure 1 (at 16 and 64 connections) and figure 7 measured during each burst."""
    seconds = run.mode["burst_seconds"]
    for event_id, conns in zip(run.ids["burst_events"], (16, 64), strict=True):
        floor = run.floor("floor", conns, seconds)
        began = time.time()
        url = run.suite.url("registration", f"/api/v1/events/{event_id}/registrations")
        got = run.load(f"registration-burst-{conns}", "registration", url, conns, seconds,
                       "registration", f"{run.tag}r{conns}")
        ended = time.time()
        seats = seat_counts(engine, event_id)
        run.raw[f"burst_{conns}"] = {**got, "seats": seats, "floor": floor}
        _burst_rows(run, conns, got, floor, seats)
        latency = outbox_latency.measure(run, engine, began, ended)
        run.raw[f"outbox_{conns}"] = latency
        _outbox_rows(run, conns, latency)


def _burst_rows(run, conns, got, floor, seats):
    """The table lines of one burst."""
    fig = f"1 registration burst @{conns}"
    rps_ratio = ratio(got["rps"], floor["rps"])
    p99_ratio = ratio(got["p99_ms"], floor["p99_ms"])
    run.row(fig, "req/s", got["rps"], floor["rps"], rps_ratio, "≥ 0.5 × floor",
            rps_ratio is not None and rps_ratio >= 0.5)
    run.row(fig, "p50 ms", got["p50_ms"], floor["p50_ms"], ratio(got["p50_ms"], floor["p50_ms"]))
    run.row(fig, "p99 ms", got["p99_ms"], floor["p99_ms"], p99_ratio, "≤ 2 × floor",
            p99_ratio is not None and p99_ratio <= 2)
    run.row(fig, "errors (non-2xx + socket)", got["errors"], floor["errors"], None, "0",
            got["errors"] == 0)
    run.row(fig, "on-site confirmed (of 100 seats)", seats["onsite_confirmed"], None, None,
            "≤ 100", seats["onsite_confirmed"] <= 100)


def _outbox_rows(run, conns, latency):
    """The table lines of figure 7 for one burst."""
    fig = f"7 outbox latency @{conns}"
    if not latency["messages"]:
        run.not_measured(fig, "commit → consumer start", "no outbox messages were written")
        return
    late = f"> {latency['drain_seconds'] * 1000}"  # more than 5 % (or half) never started
    p50, p95 = latency["p50_ms"], latency["p95_ms"]
    run.row(fig, "p50 ms", late if p50 is None else p50)
    run.row(fig, "p95 ms", late if p95 is None else p95, goal="≤ 1000 ms",
            met=p95 is not None and p95 <= 1000)
    run.row(fig, f"messages started / written (≤ {latency['drain_seconds']} s)",
            f"{latency['started']}/{latency['messages']}")
    run.row(fig, "of which commit → published p95 ms", latency["relay_p95_ms"])
    run.row(fig, "of which published → started p95 ms", latency["queue_p95_ms"])
    run.row(fig, "consumer task starts/s (vs registrations/s above)",
            latency["consumer_starts_per_s"])


def form(run):
    """Figure 2: GET the form with its CSRF token, then POST it, at 16 concurrent visitors.

    A flow counts as an error unless the POST gets the form's one answer (202, "check your email").
    """
    port = client.port_of(run.suite.url("registration", "/"))
    path = f"/events/{run.ids['form_event']}/register"
    tag = run.tag

    def flow(no, n):
        browser = client.Browser(port)
        status, token = browser.csrf_token(path)
        if status != 200 or not token:
            return False
        status, _ = browser.request("POST", path, form={
            "csrf_token": token, "name": f"Form Person {n}", "email": f"f{tag}-{no}-{n}@bench.example",
            "organisation": "Bench Oy", "municipality": "Tampere", "privacy_consent": "y",
            "attendance_mode": "onsite" if n % 2 else "remote"})
        return status == 202  # the form's one answer, new registration or not

    floor_port = client.port_of(run.suite.url("floor", "/"))

    def floor_flow(no, n):
        browser = client.Browser(floor_port)
        status, _ = browser.request("GET", "/items")
        if status != 200:
            return False
        status, _ = browser.request("POST", "/items", body=f'{{"name": "F {n}", "email": '
                                    f'"f{tag}-{no}-{n}@floor.example"}}',
                                    headers={"Content-Type": "application/json"})
        return status == 201

    seconds, cap = run.mode["seconds"], 100_000
    floor = client.run_flows(floor_flow, 16, seconds, cap)
    with run.profiling("registration-form", "registration", seconds):
        got = client.run_flows(flow, 16, seconds, cap)
    run.raw["form"] = {**got, "floor": floor}
    fig = "2 registration form (GET+POST) @16"
    run.row(fig, "flows/s", got["rps"], floor["rps"], ratio(got["rps"], floor["rps"]))
    run.row(fig, "p99 ms", got["p99_ms"], floor["p99_ms"], ratio(got["p99_ms"], floor["p99_ms"]))
    run.row(fig, "errors", got["errors"], floor["errors"], None, "0", got["errors"] == 0)


def event_page(run):
    """Figure 3, first half: the public event page, GET at 16 connections."""
    public_page(run, "event_page", "registration", f"/events/{run.ids['burst_events'][0]}",
                "3 event page GET @16")


def public_page(run, key, service, path, fig):
    """GET ``path`` of ``service`` at 16 connections beside the floor's GET; the figure's rows."""
    floor = run.floor("get", 16)
    url = run.suite.url(service, path)
    got = run.load(key.replace("_", "-"), service, url, 16, run.mode["seconds"], "get", run.tag)
    run.raw[key] = {**got, "floor": floor}
    page_rows(run, fig, got, floor)


def page_rows(run, fig, got, floor):
    """The table lines of a public page's figure."""
    rps_ratio = ratio(got["rps"], floor["rps"])
    run.row(fig, "req/s", got["rps"], floor["rps"], rps_ratio, "≥ 0.6 × floor",
            rps_ratio is not None and rps_ratio >= 0.6)
    run.row(fig, "p99 ms", got["p99_ms"], floor["p99_ms"], ratio(got["p99_ms"], floor["p99_ms"]))
    run.row(fig, "errors", got["errors"], floor["errors"], None, "0", got["errors"] == 0)
