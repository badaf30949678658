"""The suite's Celery app: JSON only, one queue per service, tasks run inside their service's app.

A task is named ``<service>.<verb>_<object>`` and goes to the queue of its service. Each service's
``create_app`` calls :func:`register_app`, so a worker serving several queues (the embedded mode)
pushes the right Flask app context for each task. Tasks receive ids and plain values only.
"""

import contextlib
import logging

from celery import Celery, Task
from celery.signals import worker_process_init
from kombu import Exchange, Queue, pools

from shared.config import SERVICES
from shared.db import dispose_engines

log = logging.getLogger(__name__)

_apps = {}


class AppContextTask(Task):
    """Run the task inside the Flask app of the service its name starts with."""

    abstract = True

    def __call__(self, *args, **kwargs):
        """Push the owning service's app context, then run."""
        service = self.name.split(".", 1)[0]
        app = _apps.get(service)
        if app is None:
            raise RuntimeError(f"no Flask app registered for service {service!r}")
        with app.app_context():
            return self.run(*args, **kwargs)


def _route(name, args, kwargs, options, task=None, **kw):
    """Route a task to its service's queue by the prefix of its name."""
    service = name.split(".", 1)[0]
    if service in SERVICES:
        return {"queue": service}
    return None


celery_app = Celery("foorumi", task_cls=AppContextTask)
celery_app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    # each queue its own direct exchange and routing key: a task reaches exactly one queue
    task_queues=[Queue(s, Exchange(s, type="direct"), routing_key=s) for s in SERVICES],
    task_default_queue="notify",
    task_routes=(_route,),
    broker_connection_retry_on_startup=True,
    broker_transport_options={"visibility_timeout": 3600},
    timezone="UTC",
    enable_utc=True,
    worker_hijack_root_logger=False,
    worker_redirect_stdouts=False,
)


def configure(settings):
    """Point the Celery app at the configured broker and give beat its schedule.

    Workers and beat reconnect for as long as the broker is away (``broker_connection_retry``
    with no ``broker_connection_max_retries``) and then consume again, with no restart. Pointing
    the app at another broker drops the pooled connections to the old one, so the next message
    goes where the settings say (tests build apps on several brokers in one process).
    """
    url = settings["BROKER_URL"]
    if celery_app.conf.broker_url != url:
        _drop_connections()
    celery_app.conf.update(
        broker_url=url,
        broker_connection_retry=True,
        broker_connection_retry_on_startup=True,
        broker_connection_max_retries=None,
        broker_connection_timeout=float(settings["BROKER_CONNECT_TIMEOUT"]),
        broker_transport_options=_transport_options(url, settings),
        beat_max_loop_interval=float(settings["BEAT_MAX_LOOP_SECONDS"]),
    )
    _publishing["timeout"] = float(settings["OUTBOX_PUBLISH_TIMEOUT"])
    celery_app.conf.beat_schedule.update(_beat_schedule(settings))


def _drop_connections():
    """Stop using the current broker's pools; the next message takes the configured broker's.

    kombu keeps one pool per broker URL for the process, so they are left open for reuse.
    """
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@worker_process_init.connect
def _fresh_connections_in_child(**_kwargs):
    """A prefork child must not share its parent's database connections."""
    dispose_engines()


def _transport_options(url, settings):
    """Redis: the visibility timeout, connect and socket timeouts, and one immediate reconnect
    when a connection is needed (the outbox keeps what could not be sent). Nothing for SQLite."""
    if url.startswith("sqla+"):
        _poll_sqlalchemy_broker_every(SQLALCHEMY_BROKER_POLL_SECONDS)
    if not url.startswith("redis"):
        return {}
    return {
        "visibility_timeout": float(settings["BROKER_VISIBILITY_TIMEOUT"]),
        "socket_connect_timeout": float(settings["BROKER_CONNECT_TIMEOUT"]),
        "socket_timeout": float(settings["BROKER_SOCKET_TIMEOUT"]),
        "max_retries": 1,
        "interval_start": 0,
    }


#: how often a worker on the embedded SQLite broker looks for new messages (kombu: 1 s)
SQLALCHEMY_BROKER_POLL_SECONDS = 0.1


def _poll_sqlalchemy_broker_every(seconds):
    """Make kombu's SQLAlchemy transport poll every ``seconds``.

    Its transport options all go to ``create_engine`` (``polling_interval`` there is a TypeError
    that kills the worker), so the interval is the transport class's own attribute. At the
    default 1 s the embedded mode emailed 200 registrations in 24–46 s; at 0.1 s in about 5 s.
    """
    from kombu.transport import sqlalchemy

    sqlalchemy.Transport.polling_interval = seconds


def _quick_options(url, timeout):
    """The after-commit publish's changes to the transport options: ``timeout``, no retry."""
    if not url.startswith("redis"):
        return {}
    return {"socket_connect_timeout": timeout, "socket_timeout": timeout, "max_retries": 0}


#: the after-commit publish's timeout (configure() sets it from OUTBOX_PUBLISH_TIMEOUT)
_publishing = {"timeout": 0.1}


@contextlib.contextmanager
def broker_connection(quick=False):
    """A pooled connection to publish on; one that failed is forgotten, to reconnect afresh.

    ``quick``: from the pool of the publish right after a commit, whose connection and every
    reply wait at most OUTBOX_PUBLISH_TIMEOUT and which never retries (nor waits for a
    connection when all are taken), so a request never waits on the broker for longer.
    """
    if quick:
        timeout = _publishing["timeout"]
        pool = pools.connections[celery_app.connection_for_write(
            connect_timeout=timeout,
            transport_options=_quick_options(celery_app.conf.broker_url, timeout))]
        connection = pool.acquire(block=False)
    else:
        connection = celery_app.pool.acquire(block=True)
    try:
        yield connection
    except Exception:
        connection.collect()  # its sockets and channel: the next publish connects afresh
        raise
    finally:
        connection.release()


_schedules = {}


def periodic(name, seconds_setting=None, seconds=None):
    """Register a task name to be run by beat every ``seconds`` (or the named setting's value)."""
    _schedules[name] = (seconds_setting, seconds)


def _beat_schedule(settings):
    """Beat's schedule built from the services' :func:`periodic` registrations."""
    schedule = {}
    for name, (setting, seconds) in _schedules.items():
        every = float(settings[setting]) if setting else float(seconds)
        schedule[name] = {"task": name, "schedule": every}
    return schedule


def register_app(service, app):
    """Make ``app`` the context for the tasks of ``service`` in this process."""
    _apps[service] = app
    configure(app.config)


def registered_services():
    """The services whose apps this process has registered."""
    return tuple(_apps)
