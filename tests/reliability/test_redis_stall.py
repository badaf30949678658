"""Scenario 3: Redis frozen by SIGSTOP for 30 s, in the production topology.

A frozen Redis accepts connections and never answers, the worst case for a client without
timeouts. Meanwhile the event page keeps answering in under 1 s and registrations in under 2 s
(the limiter and the after-commit publish give up on Redis within their timeouts); after SIGCONT
the workers consume again, with no restart, and every registration made during the stall gets
exactly one confirmation.
"""

import threading
import time

import pytest
import requests

from shared.testing.waiting import wait_until
from tests.reliability.redis_faults import Registrant, emails_by_recipient, production_topology

pytestmark = pytest.mark.slow

STALL_SECONDS = 30
REGISTRATIONS = 28  # one a second through the stall
READ_EVERY = 0.2
READ_WITHIN = 1.0
WRITE_WITHIN = 2.0
EMAILS_WITHIN = 60.0


@pytest.fixture
def topology(tmp_path):
    """The production topology on a Redis of the test's own."""
    with production_topology(tmp_path) as running:
        yield running


def read_until(url, stop, timings):
    """GET ``url`` every READ_EVERY seconds until ``stop`` is set; append (status, seconds)."""
    while not stop.wait(READ_EVERY):  # the readers' pace, not a synchronisation
        started = time.monotonic()
        try:
            status = requests.get(url, timeout=30, headers={"Accept-Language": "en"}).status_code
        except requests.RequestException as exc:
            status = type(exc).__name__
        timings.append((status, time.monotonic() - started))


def test_a_stalled_redis_slows_nothing_and_consumption_resumes_after(topology):
    event_id = topology.create_event()
    registrant = Registrant(topology.gunicorn.base, event_id)
    registrant.post(0, "before")
    topology.smtp.recorder.wait_for(1, to="before0@example.fi", timeout=60)
    wait_until(topology.queues_idle, timeout=30, message="broker idle before the stall")
    pids = topology.pids()

    reads, stop = [], threading.Event()
    reader = threading.Thread(target=read_until, args=(
        f"{topology.gunicorn.base}/events/{event_id}", stop, reads))
    topology.redis.pause()
    paused = time.monotonic()
    try:
        reader.start()
        futures = registrant.paced(range(1, REGISTRATIONS + 1), 1.0, "stall")
        time.sleep(max(0.0, paused + STALL_SECONDS - time.monotonic()))  # the stall's length
    finally:
        stop.set()
        topology.redis.resume()
    resumed = time.monotonic()
    reader.join(timeout=60)
    registrant.wait(futures, timeout=60)  # the answers' times are checked below

    def all_emailed():
        return len(emails_by_recipient(topology.smtp, "stall")) >= REGISTRATIONS

    wait_until(all_emailed, timeout=EMAILS_WITHIN, interval=0.2,
               message=f"every registrant emailed\n{topology.output()}")
    emailed_after = time.monotonic() - resumed
    wait_until(lambda: topology.unsent() == 0 and topology.queues_idle(), timeout=30,
               message="outbox sent and queues drained")
    counts = emails_by_recipient(topology.smtp, "stall")
    writes = [a for a in registrant.answers if a[0] > 0]
    registrant.close()
    slowest_read = max(seconds for _, seconds in reads)
    slowest_write = max(seconds for _, _, seconds in writes)
    print(f"\nFIGURES stall={STALL_SECONDS}s reads={len(reads)} "
          f"read_statuses={sorted({str(s) for s, _ in reads})} slowest_read={slowest_read:.3f}s "
          f"writes={len(writes)} write_statuses={sorted({str(s) for _, s, _ in writes})} "
          f"slowest_write={slowest_write:.3f}s emailed={len(counts)} "
          f"duplicates={sum(n - 1 for n in counts.values())} "
          f"last_email_after_sigcont={emailed_after:.1f}s")

    assert {status for status, _ in reads} == {200}
    assert slowest_read < READ_WITHIN, sorted(t for _, t in reads)[-5:]
    assert all(isinstance(s, int) and 200 <= s < 300 for _, s, _ in writes), writes
    assert slowest_write < WRITE_WITHIN, sorted(t for *_, t in writes)[-5:]
    assert len(counts) == REGISTRATIONS
    assert set(counts.values()) == {1}, {to: n for to, n in counts.items() if n != 1}
    assert topology.pids() == pids, topology.output()
