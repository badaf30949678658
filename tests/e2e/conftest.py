"""Browser tests: the whole suite served by ``foorumi serve`` (embedded mode), driven in Chromium.

The server runs as it does for ``make run``: SQLite files, the kombu SQLAlchemy broker, a real
Celery worker and beat, and the dev mailbox. Chromium is Debian's, launched by Playwright with
``executable_path`` (no browser download). axe-core comes from the npm registry.
"""

import os
import shutil
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from shared.testing.databases import in_ci
from shared.testing.smtp import free_port
from shared.testing.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("FOORUMI_TEST_CHROMIUM", "/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
    "--disable-sync", "--no-first-run", "--disable-quic",
]


def _need(path, what):
    """Fail in CI, skip elsewhere, when a browser-test prerequisite is missing."""
    if not Path(path).exists():
        message = f"{what} not found at {path}"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)


def _answers(url):
    """Whether the server answers ``url`` with 200."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 - loopback only
            return response.status == 200
    except OSError:
        return False


def _foorumi(env, *args, **kwargs):
    """Run a ``foorumi`` subcommand with the test environment."""
    return subprocess.run([sys.executable, "-m", "foorumi.cli", *args], env=env, cwd=ROOT,
                          check=True, capture_output=True, text=True, timeout=120, **kwargs)


@pytest.fixture(scope="session")
def suite_url(tmp_path_factory):
    """The base URL of a freshly migrated, demo-seeded suite with its worker and beat."""
    port = free_port()
    instance = tmp_path_factory.mktemp("instance")
    env = {**os.environ, "FOORUMI_INSTANCE_DIR": str(instance),
           "FOORUMI_PUBLIC_URL": f"http://127.0.0.1:{port}", "FOORUMI_RATELIMIT_ENABLED": "0",
           "FOORUMI_OUTBOX_RELAY_INTERVAL": "1"}
    _foorumi(env, "migrate")
    _foorumi(env, "demo")
    log = open(instance / "serve.log", "w")  # noqa: SIM115 - closed at teardown
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "foorumi.cli", "serve", "--port", str(port)], env=env, cwd=ROOT,
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until(lambda: server.poll() is not None or _answers(base + "/"), timeout=60,
                   message="foorumi serve to answer")
        assert server.poll() is None, (instance / "serve.log").read_text()
        yield base
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        log.close()
        if os.environ.get("FOORUMI_KEEP_E2E_LOG"):
            shutil.copy(instance / "serve.log", ROOT / "e2e-serve.log")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright."""
    _need(CHROMIUM, "Chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh browser context (CSP bypassed only so axe-core can be injected) and page."""
    context = browser.new_context(bypass_csp=True, locale="fi-FI")
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


@pytest.fixture
def axe():
    """``axe(page)`` runs axe-core's WCAG 2.1 A/AA rules on the page and fails on any violation."""
    _need(AXE, "axe-core (npm install)")

    def check(page):
        page.wait_for_load_state()
        page.add_script_tag(path=str(AXE))
        result = page.evaluate(
            "() => axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        problems = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in result["violations"]
        ]
        assert not problems, f"{page.url}:\n" + "\n".join(problems)

    return check
