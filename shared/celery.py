"""The suite's Celery app: JSON only, one queue per service, tasks run inside their service's app.

A task is named ``<service>.<verb>_<object>`` and goes to the queue of its service. Each service's
``create_app`` calls :func:`register_app`, so a worker serving several queues (the embedded mode)
pushes the right Flask app context for each task. Tasks receive ids and plain values only.
"""

import logging

from celery import Celery, Task
from celery.signals import worker_process_init
from kombu import Exchange, Queue

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

    Pointing it at another broker drops the pooled connections to the old one, so the next
    message goes where the settings say (tests build apps on several brokers in one process).
    """
    url = settings["BROKER_URL"]
    if celery_app.conf.broker_url != url:
        _drop_connections()
    celery_app.conf.broker_url = url
    celery_app.conf.broker_connection_timeout = 3
    celery_app.conf.broker_connection_max_retries = 3
    celery_app.conf.broker_transport_options = _transport_options(url)
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


def _transport_options(url):
    """Fail fast when Redis is down (the outbox keeps the message); nothing for SQLite."""
    if url.startswith("redis"):
        return {
            "visibility_timeout": 3600,
            "socket_connect_timeout": 2,
            "socket_timeout": 5,
            "max_retries": 1,
        }
    # kombu's SQLAlchemy transport hands every other option to create_engine (polling_interval
    # there is a TypeError that kills the worker): it polls every second by default
    return {}


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
