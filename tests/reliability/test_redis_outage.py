"""Scenario 2: Redis down for 60 s during 100 registrations, in the production topology.

Redis is the broker and the rate limits' storage, and it is really stopped (SIGKILL, nothing
kept: it comes back empty). Every registration made meanwhile must be answered 2xx within 1 s
(the limiter counts in memory, the outbox keeps the message), and each registrant must get
exactly one confirmation within 30 s of Redis returning, sent by the same worker processes
that were running before: they reconnect by themselves, nobody restarts them.
"""

import contextlib
import time

import pytest

from shared.testing.waiting import wait_until
from tests.reliability.redis_faults import Registrant, emails_by_recipient, production_topology

pytestmark = pytest.mark.slow

OUTAGE_SECONDS = 60
REGISTRATIONS = 100
PACE_SECONDS = 0.5  # the 100 arrive over the outage's first 50 s
ANSWER_WITHIN = 1.0
EMAILS_WITHIN = 30.0


@pytest.fixture
def topology(tmp_path):
    """The production topology on a Redis of the test's own."""
    with production_topology(tmp_path) as running:
        yield running


def test_registrations_during_a_redis_outage_answer_and_are_emailed_once_after(topology):
    event_id = topology.create_event()
    registrant = Registrant(topology.gunicorn.base, event_id)
    registrant.post(0, "before")  # the whole path works before the outage
    topology.smtp.recorder.wait_for(1, to="before0@example.fi", timeout=60)
    # Redis keeps nothing across the outage: let nothing be in flight for it to lose
    wait_until(topology.queues_idle, timeout=30, message="broker idle before the outage")
    pids = topology.pids()

    topology.redis.stop()
    stopped = time.monotonic()
    futures = registrant.paced(range(1, REGISTRATIONS + 1), PACE_SECONDS, "outage")
    registrant.wait(futures, timeout=OUTAGE_SECONDS)
    time.sleep(max(0.0, stopped + OUTAGE_SECONDS - time.monotonic()))  # the outage's length
    alive_in_outage = topology.pids()
    topology.redis.start()
    back = time.monotonic()

    def all_emailed():
        return len(emails_by_recipient(topology.smtp, "outage")) >= REGISTRATIONS

    with contextlib.suppress(AssertionError):  # the figures below say how far it got
        wait_until(all_emailed, timeout=EMAILS_WITHIN + 30, interval=0.2,
                   message="every registrant emailed")
    emailed_after = time.monotonic() - back
    answers = [a for a in registrant.answers if a[0] > 0]
    registrant.close()
    times = sorted(seconds for *_, seconds in answers)
    statuses = sorted({str(status) for _, status, _ in answers})
    print(f"\nFIGURES outage={OUTAGE_SECONDS}s registrations={len(answers)} statuses={statuses} "
          f"slowest={times[-1]:.3f}s over_0.1s={sum(t > 0.1 for t in times)} "
          f"over_1s={sum(t > ANSWER_WITHIN for t in times)} slowest5={[round(t, 2) for t in times[-5:]]} "
          f"emailed={len(emails_by_recipient(topology.smtp, 'outage'))} "
          f"all_emailed_after_return={emailed_after:.1f}s "
          f"workers_alive_in_outage={all(alive for _, alive in alive_in_outage.values())}")

    assert all(isinstance(s, int) and 200 <= s < 300 for _, s, _ in answers), statuses
    assert times[-1] < ANSWER_WITHIN, times[-10:]
    assert emailed_after < EMAILS_WITHIN, topology.output()
    wait_until(lambda: topology.unsent() == 0 and topology.queues_idle(), timeout=30,
               message="outbox sent and queues drained")
    counts = emails_by_recipient(topology.smtp, "outage")
    print(f"FIGURES duplicates={sum(n - 1 for n in counts.values())}")
    assert len(counts) == REGISTRATIONS
    assert set(counts.values()) == {1}, {to: n for to, n in counts.items() if n != 1}
    assert topology.pids() == pids, topology.output()  # the same processes, all still running
