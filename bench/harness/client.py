"""A small HTTP client for flows wrk cannot script: CSRF forms, logins, one-client timings.

Plain ``http.client`` (one connection per request, as gunicorn's sync workers close them) with a
cookie jar of name=value pairs. Only 127.0.0.1 is ever contacted.
"""

import http.client
import re
import threading
import time
from urllib.parse import urlencode, urlsplit

CSRF = re.compile(r'name="csrf_token"\s+value="([^"]+)"')


class Browser:
    """One visitor: remembers cookies between requests."""

    def __init__(self, port):
        self.port = port
        self.cookies = {}

    def request(self, method, path, form=None, body=None, headers=None):
        """(status, body text) of one request; 3xx answers are not followed."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            headers = dict(headers or {})
            if form is not None:
                body = urlencode(form, doseq=True)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or ():
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, text
        finally:
            conn.close()

    def csrf_token(self, path):
        """GET ``path`` and return (status, the page's CSRF token or None)."""
        status, text = self.request("GET", path)
        found = CSRF.search(text)
        return status, found.group(1) if found else None


def login(port, email, password):
    """A Browser logged in as staff through the service's login form; raises if refused."""
    browser = Browser(port)
    _status, token = browser.csrf_token("/staff/login")
    status, _text = browser.request("POST", "/staff/login", form={
        "email": email, "password": password, "csrf_token": token})
    if status != 302:
        raise RuntimeError(f"staff login answered {status}")
    return browser


def port_of(url):
    """The port of a 127.0.0.1 URL."""
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1", url
    return parts.port


def run_flows(flow, threads, seconds, max_flows):
    """Run ``flow(thread_no, n) -> ok`` in ``threads`` threads until time or count runs out.

    Returns {"flows", "rps", "p50_ms", "p99_ms", "errors"} (a flow that raises is an error).
    """
    deadline = time.monotonic() + seconds
    lock = threading.Lock()
    times, errors, started = [], [0], [0]

    def worker(no):
        n = 0
        while time.monotonic() < deadline:
            with lock:
                if started[0] >= max_flows:
                    return
                started[0] += 1
            n += 1
            begin = time.perf_counter()
            try:
                ok = flow(no, n)
            except OSError:
                ok = False
            with lock:
                times.append(time.perf_counter() - begin)
                errors[0] += 0 if ok else 1

    begin = time.monotonic()
    pool = [threading.Thread(target=worker, args=(i,), daemon=True) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=seconds + 30)
    elapsed = time.monotonic() - begin
    return {"flows": len(times), "rps": len(times) / elapsed, "p50_ms": percentile(times, 50) * 1e3,
            "p99_ms": percentile(times, 99) * 1e3, "errors": errors[0], "threads": threads}


def percentile(values, pct):
    """The ``pct`` percentile of ``values`` (nearest rank); 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]
