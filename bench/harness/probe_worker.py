"""A notify Celery worker that also records when each ``notify.send_email`` task starts.

Bench-only: it adds a ``task_prerun`` handler to the unchanged production worker
(``foorumi.runner.run_worker``) and appends ``<message_id> <unix time>`` to ``BENCH_PROBE_FILE``
as each task starts, before the task body runs. Figure 7 joins these lines with the outbox
rows' ``created_at`` to get the latency from commit to consumer start.

    python -m bench.harness.probe_worker notify 2
"""

import os
import sys
import time

from celery.signals import task_prerun

PROBED = "notify.send_email"


@task_prerun.connect
def _record_start(task=None, args=None, **_kwargs):
    """Append the message id and the start time of a probed task (one short line, O_APPEND)."""
    if task is None or task.name != PROBED or not args or not isinstance(args[0], dict):
        return
    line = f"{args[0].get('message_id')} {time.time():.6f}\n".encode()
    fd = os.open(os.environ["BENCH_PROBE_FILE"], os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)


def main(queues="notify", concurrency="2"):
    """Run the suite's own worker for ``queues`` with the probe attached."""
    from foorumi.runner import run_worker

    return run_worker(queues, int(concurrency), "prefork", "WARNING")


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
