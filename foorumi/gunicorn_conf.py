"""gunicorn's settings for every foorumi web container: ``gunicorn --config python:foorumi.gunicorn_conf``.

The worker timeout comes from :mod:`shared.deadlines`: it is above every wait the app puts on
the database (pool, connect, lock and statement timeouts), so a slow or vanished database is
answered by the app itself, 503 with ``Retry-After`` in the user's language, and never by
gunicorn killing the worker mid-request and writing its bare HTML 500. The number of workers is
``WEB_CONCURRENCY`` (gunicorn's own variable), 2 by default; the command line overrides any
setting here.
"""

import os

from shared.deadlines import WEB_WORKER_TIMEOUT_SECONDS

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")  # noqa: S104 - inside its container
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
#: a request still running after this long is killed with its worker
timeout = WEB_WORKER_TIMEOUT_SECONDS
#: a worker told to stop (a deploy, a scale-down) finishes its request within this
graceful_timeout = WEB_WORKER_TIMEOUT_SECONDS
#: behind nginx, which keeps its upstream connections open
keepalive = 5
accesslog = "-"
#: the control socket gunicorn 27 opens in the home directory: no use in a container
control_socket_disable = True
