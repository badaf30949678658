"""Servers a fault test owns and may break: its own Redis, its own PostgreSQL cluster, gunicorn.

Each is started on a free port of 127.0.0.1 by the test that breaks it, so stopping, pausing or
restarting one never touches the machine's own servers (5432 and 6379). Every wait has a deadline.

* :class:`RedisServer` — ``redis-server`` with no persistence; ``stop()``/``start()`` on the same
  port, ``pause()``/``resume()`` by SIGSTOP/SIGCONT.
* :class:`PostgresCluster` — a Debian cluster made with ``pg_createcluster`` (the tests run as
  root); ``restart(mode="immediate")``, ``stop()``, ``start()``; databases per component.
* :class:`Gunicorn` — one service's WSGI module under gunicorn with its ``SCRIPT_NAME``, as
  docker-compose.yml runs it, on the test's settings; ``worker_pids()`` for killing one.
"""

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import psycopg
import redis
import requests
from redis.backoff import NoBackoff
from redis.retry import Retry

from shared.testing.databases import COMPONENTS
from shared.testing.process import ROOT, ChildProcess
from shared.testing.smtp import free_port
from shared.testing.waiting import wait_until
from shared.testing.worker import worker_environment

PG_VERSION = os.environ.get("FOORUMI_TEST_PG_VERSION", "15")
BIN = Path(sys.executable).parent


class RedisServer:
    """A ``redis-server`` of the test's own, on a free port, with nothing saved to disk."""

    def __init__(self, folder):
        self.port = free_port()
        self.folder = Path(folder)
        self.process = None
        self.paused = False

    def url(self, db=0):
        """The server's URL on logical database ``db``."""
        return f"redis://127.0.0.1:{self.port}/{db}"

    def start(self, timeout=10.0):
        """Start (or start again, on the same port) and wait until it answers PING."""
        self.folder.mkdir(parents=True, exist_ok=True)
        log = open(self.folder / f"redis-{self.port}.log", "ab")  # noqa: SIM115 - the child keeps it
        self.process = subprocess.Popen(  # noqa: S603 - a fixed command line
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        wait_until(self.answers, timeout=timeout, message=f"redis on {self.port}")
        return self

    def answers(self):
        """Whether the server answers PING right now."""
        try:
            client = redis.Redis(port=self.port, socket_timeout=0.5, socket_connect_timeout=0.5,
                                 retry=Retry(NoBackoff(), 0))
            return client.ping()
        except redis.RedisError:
            return False

    def stop(self):
        """Stop the server for real (SIGKILL: an outage, not a shutdown); the port is free after."""
        if self.paused:
            self.resume()
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        wait_until(lambda: not self.answers(), timeout=10, message="redis gone")

    def pause(self):
        """Freeze the server (SIGSTOP): connections stay open and get no answer."""
        os.kill(self.process.pid, signal.SIGSTOP)
        self.paused = True

    def resume(self):
        """Let a paused server run again."""
        os.kill(self.process.pid, signal.SIGCONT)
        self.paused = False

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        with contextlib.suppress(Exception):
            self.stop()


def _pg_run(*argv, check=True):
    """Run one of Debian's cluster commands; its output in the error if it fails."""
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120)  # noqa: S603
    if check and done.returncode != 0:
        raise AssertionError(f"{' '.join(argv)} failed:\n{done.stdout}\n{done.stderr}")
    return done


class PostgresCluster:
    """A PostgreSQL cluster of the test's own (``pg_createcluster``), trust auth on 127.0.0.1."""

    def __init__(self, max_connections=200):
        self.name = f"foorumi_{uuid.uuid4().hex[:8]}"
        self.port = free_port()
        self.max_connections = max_connections

    def create(self):
        """Make and start the cluster; wait until it accepts connections."""
        _pg_run("pg_createcluster", PG_VERSION, self.name, "-p", str(self.port),
                "-o", f"max_connections={self.max_connections}", "-o", "fsync=off",
                "--", "--auth-local=trust", "--auth-host=trust", "--no-sync")
        self.start()
        return self

    def admin_url(self, database="postgres"):
        """A libpq URL of ``database`` as the postgres user."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def url(self, database):
        """The SQLAlchemy URL of ``database``."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def answers(self):
        """Whether the server accepts a connection right now."""
        try:
            psycopg.connect(self.admin_url(), connect_timeout=1).close()
            return True
        except psycopg.Error:
            return False

    def start(self, timeout=60.0):
        """Start the cluster and wait until it accepts connections."""
        _pg_run("pg_ctlcluster", PG_VERSION, self.name, "start")
        wait_until(self.answers, timeout=timeout, message=f"postgres on {self.port}")

    def stop(self, mode="immediate"):
        """Stop the cluster (``immediate``: no checkpoint, connections cut)."""
        _pg_run("pg_ctlcluster", PG_VERSION, self.name, "stop", "-m", mode)

    def restart(self, mode="immediate", timeout=60.0):
        """Restart the cluster and wait until it accepts connections again."""
        _pg_run("pg_ctlcluster", PG_VERSION, self.name, "restart", "-m", mode)
        wait_until(self.answers, timeout=timeout, message=f"postgres back on {self.port}")

    def create_databases(self, components=COMPONENTS):
        """A database per component; returns {component: SQLAlchemy URL}."""
        urls = {}
        with psycopg.connect(self.admin_url(), autocommit=True, connect_timeout=5) as conn:
            for component in components:
                conn.execute(f'CREATE DATABASE "{component}"')
                urls[component] = self.url(component)
        return urls

    def drop(self):
        """Stop and remove the cluster and its files."""
        _pg_run("pg_dropcluster", "--stop", PG_VERSION, self.name, check=False)

    def __enter__(self):
        return self.create()

    def __exit__(self, *exc):
        self.drop()


def database_settings(urls):
    """The ``<COMPONENT>_DATABASE_URL`` settings of ``urls``."""
    return {f"{component.upper()}_DATABASE_URL": url for component, url in urls.items()}


def migrate(settings, folder):
    """Run ``foorumi migrate`` on ``settings`` as its own process; fail with its output."""
    done = subprocess.run(  # noqa: S603 - our own command line
        [sys.executable, "-m", "foorumi.cli", "migrate"], env=worker_environment(settings, folder),
        cwd=ROOT, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise AssertionError(f"foorumi migrate failed:\n{done.stdout}\n{done.stderr}")


def _children(pid):
    """The pids whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command name may hold spaces and parentheses: the fields follow the last ")"
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


class Gunicorn(ChildProcess):
    """One service under gunicorn, as docker-compose.yml runs it, on the test's settings.

    ``service`` is ``registration``, ``feedback``, ``memo``, ``notify`` or ``portal``.
    ``base`` is the URL the service answers under (its ``SCRIPT_NAME`` included).
    """

    name = "gunicorn"
    stop_timeout = 20.0

    def __init__(self, service, settings, folder, workers=2, threads=1, timeout=None, extra=()):
        self.service = service
        self.port = free_port()
        self.folder = Path(folder)
        module = "foorumi.wsgi:app" if service == "portal" else f"services.{service}.wsgi:app"
        self.script_name = "" if service == "portal" else f"/{service}"
        env = worker_environment(settings, self.folder / "instance")
        env["SCRIPT_NAME"] = self.script_name
        argv = [str(BIN / "gunicorn"), "--no-control-socket", "--bind",
                f"127.0.0.1:{self.port}", "--workers", str(workers), "--threads", str(threads),
                *(["--timeout", str(timeout)] if timeout else []), *extra, module]
        super().__init__(argv, env, self.folder / f"gunicorn-{service}-{self.port}.log")

    @property
    def base(self):
        """The service's root URL."""
        return f"http://127.0.0.1:{self.port}{self.script_name}"

    def start(self, timeout=60.0):
        """Start gunicorn and wait until the service answers its root page."""
        return self.launch().wait_ready(self._up, timeout)

    def _up(self):
        """True once the root page answers below 500."""
        try:
            return requests.get(self.base + "/", timeout=2).status_code < 500
        except requests.RequestException:
            return False

    def worker_pids(self):
        """The pids of gunicorn's workers right now."""
        return _children(self.process.pid)
