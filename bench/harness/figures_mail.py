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

from bench.harness import smtp_sink

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
    """The name of notify's campaign-sending task, or None while notify has none."""
    from shared.celery import celery_app

    names = [n for n in celery_app.tasks if n.startswith("notify.")
             and any(word in n for word in ("campaign", "newsletter"))]
    return names[0] if names else None


def newsletter(run):
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
    task = campaign_entry_point()
    reason = ("services/notify has no campaign-sending entry point yet (no notify.*campaign* or "
              "*newsletter* task)" if task is None else
              f"{task} appeared while the harness was written; driving it is the next step")
    run.not_measured(fig, "campaign msg/s, worker peak RSS at 10k / 100k", reason)
