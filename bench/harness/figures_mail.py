"""Figure 6: the newsletter. The smtplib floor always; the campaign only once notify can send one.

The floor sends a prebuilt, newsletter-sized message (text and HTML parts) with plain
``smtplib`` over reused connections to the run's counting sink: over one connection, and over 4
connections in 4 processes.
"""

import multiprocessing
import smtplib
import textwrap
import time
from email import policy
from email.message import EmailMessage

from bench.harness import figures_campaign, smtp_sink

CONNECTIONS = 4


def _message():
    """A newsletter-sized message, built once."""
    msg = EmailMessage()
    msg["From"] = "Foorumi <foorumi@bench.example>"
    msg["To"] = "subscriber@bench.example"
    msg["Subject"] = "Palveluntuottajafoorumin uutiskirje"
    text = "Hyvä palveluntuottaja,\n\n" + textwrap.fill("Tervetuloa foorumiin. " * 60, 76)
    msg.set_content(text)
    html = text.replace("\n\n", "</p>\n<p>")
    msg.add_alternative(f"<html><body><p>{html}</p></body></html>", subtype="html")
    return msg.as_bytes(policy=policy.SMTP)


def _send(port, count, ready=None):
    """Send ``count`` copies over one reused SMTP connection (after ``ready``, if given)."""
    data = _message()
    with smtplib.SMTP("127.0.0.1", port, timeout=15) as smtp:
        smtp.ehlo()
        if ready is not None:
            ready.wait(timeout=30)
        for n in range(count):
            smtp.sendmail("foorumi@bench.example", [f"s{n}@bench.example"], data)


def floor(port, count, connections):
    """Messages/s of ``count`` messages over ``connections`` connections (one process each).

    The clock starts once every process has its connection open (a barrier), so process
    start-up is not counted.
    """
    share = count // connections
    if connections == 1:
        begin = time.perf_counter()
        _send(port, share)
        return share / (time.perf_counter() - begin)
    ctx = multiprocessing.get_context("fork")
    ready = ctx.Barrier(connections + 1)
    workers = [ctx.Process(target=_send, args=(port, share, ready)) for _ in range(connections)]
    for proc in workers:
        proc.start()
    ready.wait(timeout=30)
    begin = time.perf_counter()
    for proc in workers:
        proc.join(timeout=120)
        if proc.is_alive():
            proc.kill()
    return share * connections / (time.perf_counter() - begin)


def campaign_entry_point():
    """Whether notify has the campaign tasks the harness drives (beat's tick and the lanes)."""
    from shared.celery import celery_app

    return {figures_campaign.TICK, "notify.send_batch"} <= set(celery_app.tasks)


def newsletter(run, notify_app):
    """Figure 6 rows: the smtplib floor, and why the campaign itself is not measured."""
    count, port = run.mode["mail_messages"], run.suite.smtp
    before = smtp_sink.read_count(run.suite.count_file)
    one = floor(port, count, 1)
    many = floor(port, count, CONNECTIONS)
    counted = smtp_sink.wait_for_count(run.suite.count_file, before + 2 * count, 10) - before
    run.raw["mail_floor"] = {"one_connection": one, f"{CONNECTIONS}_connections": many,
                             "messages_each": count, "sink_counted": counted}
    fig = f"6 newsletter ({count:,} messages)"
    run.row(fig, "smtplib floor, 1 connection, msg/s", None, one)
    run.row(fig, f"smtplib floor, {CONNECTIONS} connections, msg/s", None, many)
    if not campaign_entry_point():
        run.not_measured(fig, "campaign msg/s, worker peak RSS at 10k / 100k",
                         "services/notify has no campaign-sending tasks yet")
        return
    campaigns(run, notify_app, fig, many)


def campaigns(run, notify_app, fig, floor_rate):
    """The campaign rows: msg/s against the floor, and RSS at the small and the large size."""
    count, big = run.mode["mail_messages"], run.mode["big_subscribers"]
    figures_campaign.subscribers(notify_app, 1, count)
    with run.profiling("campaign", "worker-notify", min(run.mode["campaign_timeout"], 15)):
        small = figures_campaign.send(run, notify_app, count)
    figures_campaign.subscribers(notify_app, count + 1, big)
    large = figures_campaign.send(run, notify_app, big, watch=run.mode["big_watch_seconds"])
    run.raw["campaigns"] = {"small": small, "large": large}
    rate_ratio = small["msg_per_s"] / floor_rate if floor_rate else None
    done = "" if small["complete"] else f" (only {small['messages']:,} in {small['seconds']:.0f} s)"
    run.row(fig, f"campaign, {CONNECTIONS} lanes, msg/s{done}", small["msg_per_s"], floor_rate,
            rate_ratio, "≥ 0.6 × floor", rate_ratio is not None and rate_ratio >= 0.6)
    run.row(fig, f"notify worker peak RSS MiB, {count:,} subscribers", small["rss_mib"])
    watched = f"freeze + first {large['seconds']:.0f} s, {large['messages']:,} sent"
    run.row(fig, f"notify worker peak RSS MiB, {big:,} subscribers ({watched})", large["rss_mib"])
    growth = large["rss_mib"] / small["rss_mib"] if small["rss_mib"] else None
    run.row(fig, f"RSS {big:,} / RSS {count:,}", growth, goal="≤ 1.2",
            met=growth is not None and growth <= 1.2)
