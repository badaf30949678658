"""The production topology on servers of the test's own: for the scenarios that break PostgreSQL
or a web worker.

:func:`own_topology` starts what docker-compose.yml runs, on 127.0.0.1 only: a PostgreSQL
cluster holding the five databases (migrated with ``foorumi migrate``), a ``redis-server`` that is
both the broker (db 0) and the rate limits' storage (db 1), an SMTP sink, registration under
gunicorn with production's settings (``foorumi/gunicorn_conf.py``), a prefork ``foorumi worker``
per queue and ``foorumi beat``. The settings are production's (a strong secret, SMTP, limits on),
with ``TRUSTED_PROXIES=1`` as behind nginx.
"""

import secrets
from typing import NamedTuple

from shared.db import dispose_engines
from shared.testing.servers import (
    Gunicorn,
    PostgresCluster,
    RedisServer,
    database_settings,
    migrate,
)
from shared.testing.smtp import SMTPServer
from shared.testing.worker import BeatProcess, WorkerProcess

GUNICORN_CONFIG = "python:foorumi.gunicorn_conf"


class Topology(NamedTuple):
    """The running parts, for a test to use and to break."""

    settings: dict
    gunicorn: Gunicorn
    workers: dict
    beat: BeatProcess
    smtp: SMTPServer
    cluster: PostgresCluster
    redis: RedisServer


def own_topology(stack, folder, queues=("registration", "notify")):
    """Start the topology in ``stack`` (a contextlib.ExitStack, which stops it all)."""
    cluster = stack.enter_context(PostgresCluster())
    urls = cluster.create_databases()
    redis_server = stack.enter_context(RedisServer(folder / "redis"))
    smtp = stack.enter_context(SMTPServer())
    settings = {
        "ENV": "production", "SECRET_KEY": secrets.token_urlsafe(48),
        "PUBLIC_URL": "http://127.0.0.1:8080", "TRUSTED_PROXIES": 1,
        **database_settings(urls),
        "BROKER_URL": redis_server.url(0),
        "RATELIMIT_ENABLED": True, "RATELIMIT_STORAGE_URI": redis_server.url(1),
        "MAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": smtp.port,
        "DEV_MAILBOX": False,
    }
    migrate(settings, folder / "instance")
    gunicorn = stack.enter_context(Gunicorn("registration", settings, folder, workers=2,
                                            extra=("--config", GUNICORN_CONFIG)))
    workers = {}
    for queue in queues:
        worker = WorkerProcess(settings, folder, pool="prefork", concurrency=2, queues=queue)
        stack.callback(worker.stop)
        workers[queue] = worker.start()
    beat = BeatProcess(settings, folder).start()
    stack.callback(beat.stop)
    stack.callback(dispose_engines)  # the test process's own connections to the cluster
    return Topology(settings, gunicorn, workers, beat, smtp, cluster, redis_server)
