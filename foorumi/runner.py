"""Running the suite's processes: the embedded server, Celery workers and beat."""

import logging
import os
import signal
import subprocess
import sys
import threading

from shared import config
from shared.celery import celery_app


def _load_services(loglevel):
    """Build every service's app (so tasks find their app) and set Celery's log level."""
    from foorumi.apps import create_services

    create_services()
    logging.getLogger("celery").setLevel(loglevel)


def run_worker(queues, concurrency=2, pool="prefork", loglevel="INFO"):
    """A Celery worker consuming ``queues`` (comma-separated), with every service's app loaded."""
    _load_services(loglevel)
    argv = ["worker", "-Q", queues, "-c", str(concurrency), "-P", pool, f"--loglevel={loglevel}",
            "--without-gossip", "--without-mingle", "-n", f"foorumi-{queues.replace(',', '-')}@%h"]
    celery_app.worker_main(argv)
    return 0


def run_beat(loglevel="INFO"):
    """Celery beat with its schedule file under instance/."""
    _load_services(loglevel)
    config.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    schedule = str(config.INSTANCE_DIR / "celerybeat-schedule")
    celery_app.start(["beat", f"--loglevel={loglevel}", "-s", schedule])
    return 0


def _spawn(*args):
    """Start ``foorumi <args>`` as a child process."""
    return subprocess.Popen([sys.executable, "-m", "foorumi.cli", *args])  # noqa: S603


def _stop_children(children):
    """Terminate the children, then kill those still running after 10 s."""
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


def _watch(children, stopping):
    """Stop everything, loudly, when the worker or beat dies: mail would silently wait otherwise."""
    while not stopping.wait(1.0):
        for name, child in children.items():
            if child.poll() is not None:
                print(f"foorumi: the {name} stopped (exit code {child.returncode}); see the log "
                      "above. Stopping the server.", file=sys.stderr, flush=True)
                _stop_children(children.values())
                os._exit(1)


def serve(host, port, with_worker=True, loglevel="WARNING"):
    """Serve / and the four services with werkzeug; a worker and beat run beside it.

    At most SERVE_THREADS requests run at once, which is what the SQLite pools are sized for
    (:mod:`foorumi.request_slots`). The worker and beat log at ``loglevel`` (WARNING: only
    trouble, not every relay tick).
    """
    from werkzeug.serving import run_simple

    from foorumi.apps import create_suite
    from foorumi.request_slots import RequestSlots

    level = f"--loglevel={loglevel}"
    children = {"worker": _spawn("worker", "--concurrency", "2", level),
                "beat": _spawn("beat", level)} if with_worker else {}
    suite = RequestSlots(create_suite(), config.load()["SERVE_THREADS"])
    stopping = threading.Event()

    def stop(*_):
        stopping.set()
        _stop_children(children.values())
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    threading.Thread(target=_watch, args=(children, stopping), daemon=True).start()
    print(f"foorumi: serving http://{host}:{port}/  (dev mailbox: /notify/dev/mailbox/)",
          flush=True)
    try:
        run_simple(host, port, suite, threaded=True, use_reloader=False)
    finally:
        stop()
    return 0
