"""The production topology: docker-compose.yml validates and wires the services as the README says.

Validated with Debian's ``docker-compose config`` (no Docker engine needed); the topology is read
from the configuration compose itself resolved, so anchors and merges are checked as compose sees
them. Without the binary the test is skipped, except in CI, where it fails.
"""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from shared.config import SERVICES
from shared.testing.databases import in_ci

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "docker-compose.yml"
SECRET = "secret-from-the-environment"
FOORUMI_PROCESSES = ("portal", "beat", *SERVICES, *(f"worker-{s}" for s in SERVICES))


def _compose(*args, secret=SECRET):
    """Run ``docker-compose -f docker-compose.yml <args>`` with FOORUMI_SECRET_KEY set (or not)."""
    binary = shutil.which("docker-compose")
    if binary is None:
        if in_ci():
            pytest.fail("docker-compose is not installed (apt-get install docker-compose)")
        pytest.skip("docker-compose is not installed")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FOORUMI_", "POSTGRES_"))}
    if secret:
        env["FOORUMI_SECRET_KEY"] = secret
    return subprocess.run([binary, "-f", str(COMPOSE), *args], env=env, cwd=ROOT,  # noqa: S603
                          capture_output=True, text=True, timeout=60)


@pytest.fixture(scope="module")
def services():
    """The services of the compose file as docker-compose resolves them."""
    checked = _compose("config", "-q")
    assert checked.returncode == 0, checked.stderr
    resolved = _compose("config")
    assert resolved.returncode == 0, resolved.stderr
    return yaml.safe_load(resolved.stdout)["services"]


def _command(service):
    """A service's command as one string."""
    command = service.get("command", "")
    return command if isinstance(command, str) else " ".join(command)


def test_the_secret_key_must_come_from_the_environment():
    result = _compose("config", "-q", secret=None)
    assert result.returncode != 0
    assert "FOORUMI_SECRET_KEY" in result.stderr


def test_every_part_of_the_topology_is_there(services):
    expected = {"postgres", "redis", "mailpit", "nginx", "migrate", *FOORUMI_PROCESSES}
    assert expected <= set(services)


def test_each_service_runs_under_gunicorn_behind_its_prefix(services):
    for name in SERVICES:
        assert "gunicorn " in _command(services[name])
        assert _command(services[name]).endswith(f"services.{name}.wsgi:app")
        assert services[name]["environment"]["SCRIPT_NAME"] == f"/{name}"
    assert _command(services["portal"]).endswith("foorumi.wsgi:app")


def test_a_worker_per_service_queue_and_one_beat(services):
    for name in SERVICES:
        assert _command(services[f"worker-{name}"]) == f"foorumi worker --queues {name}"
    assert _command(services["beat"]) == "foorumi beat"
    assert sum("beat" in _command(s) for s in services.values()) == 1


def test_everything_waits_for_the_migrations(services):
    assert _command(services["migrate"]) == "foorumi migrate"
    assert services["migrate"]["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert services["migrate"].get("restart", "no") == "no"
    for name in FOORUMI_PROCESSES:
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully", name
        assert depends["redis"]["condition"] == "service_healthy", name


def test_the_configuration_points_at_the_production_backends(services):
    for name in ("migrate", *FOORUMI_PROCESSES):
        env = services[name]["environment"]
        assert env["FOORUMI_SECRET_KEY"] == SECRET
        assert env["FOORUMI_ENV"] == "production"
        assert env["FOORUMI_BROKER_URL"] == "redis://redis:6379/0"
        assert env["FOORUMI_RATELIMIT_STORAGE_URI"] == "redis://redis:6379/1"
        assert env["FOORUMI_MAIL_BACKEND"] == "smtp"
        assert env["FOORUMI_SMTP_HOST"] == "mailpit"
        assert env["FOORUMI_DEV_MAILBOX"] == "0"
        for component in ("accounts", *SERVICES):
            url = env[f"FOORUMI_{component.upper()}_DATABASE_URL"]
            assert re.fullmatch(rf"postgresql\+psycopg://\w+:[^@]+@postgres:5432/{component}", url)


def test_redis_keeps_an_append_only_file(services):
    assert "--appendonly yes" in _command(services["redis"])
    assert any(v.endswith(":/data") or ":/data:" in v for v in _volumes(services["redis"]))


def test_postgres_is_health_checked_and_gets_a_database_per_component(services):
    assert services["postgres"]["healthcheck"]["test"]
    init = [v for v in _volumes(services["postgres"]) if "docker-entrypoint-initdb.d" in v]
    script = ROOT / "deploy" / Path(init[0].split(":")[0]).name
    assert os.access(script, os.X_OK)
    text = script.read_text()
    for component in ("accounts", *SERVICES):
        assert re.search(rf"\b{component}\b", text), component


def test_nginx_routes_each_prefix_to_its_service(services):
    mounts = _volumes(services["nginx"])
    assert any(v.endswith(":/etc/nginx/conf.d/default.conf:ro") for v in mounts)
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    upstreams = dict(re.findall(r"upstream\s+(\S+)\s*\{\s*server\s+(\S+);", conf))
    routes = dict(re.findall(r"location\s+(/\S*)\s*\{\s*proxy_pass\s+http://([^;/]+);", conf))
    for name in SERVICES:
        assert upstreams[routes[f"/{name}/"]] == f"{name}:8000"
    assert upstreams[routes["/"]] == "portal:8000"
    assert "mailpit" in services and "8025" in str(services["mailpit"]["ports"])


def _volumes(service):
    """A service's volumes as 'source:target[:mode]' strings."""
    return [v if isinstance(v, str) else f"{v['source']}:{v['target']}"
            for v in service.get("volumes", [])]
