"""Running the suite's processes: the embedded server, Celery workers and beat."""

import signal
import subprocess
import sys

from shared import config
from shared.celery import celery_app


def run_worker(queues, concurrency=2, pool="prefork"):
    """A Celery worker consuming ``queues`` (comma-separated), with every service's app loaded."""
    from foorumi.apps import create_services

    create_services()
    argv = ["worker", "-Q", queues, "-c", str(concurrency), "-P", pool, "--loglevel=INFO",
            "--without-gossip", "--without-mingle", "-n", f"foorumi-{queues.replace(',', '-')}@%h"]
    celery_app.worker_main(argv)
    return 0


def run_beat():
    """Celery beat with its schedule file under instance/."""
    from foorumi.apps import create_services

    create_services()
    config.INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    schedule = str(config.INSTANCE_DIR / "celerybeat-schedule")
    celery_app.start(["beat", "--loglevel=INFO", "-s", schedule])
    return 0


def _spawn(*args):
    """Start ``foorumi <args>`` as a child process."""
    return subprocess.Popen([sys.executable, "-m", "foorumi.cli", *args])  # noqa: S603


def serve(host, port, with_worker=True):
    """Serve / and the four services with werkzeug; a worker and beat run beside it."""
    from werkzeug.serving import run_simple

    from foorumi.apps import create_suite

    children = [_spawn("worker", "--concurrency", "2"), _spawn("beat")] if with_worker else []
    suite = create_suite()

    def stop(*_):
        for child in children:
            child.terminate()
        for child in children:
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    print(f"foorumi: serving http://{host}:{port}/  (dev mailbox: /notify/dev/mailbox/)", flush=True)
    try:
        run_simple(host, port, suite, threaded=True, use_reloader=False)
    finally:
        stop()
    return 0
