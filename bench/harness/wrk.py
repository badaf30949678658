"""Drive one URL with ``wrk`` (POST bodies from ``lua/load.lua``) and read its JSON summary."""

import json
import os
import shutil
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent / "lua" / "load.lua"


def available():
    """Whether the wrk binary is on PATH."""
    return shutil.which("wrk") is not None


def run(url, connections, seconds, kind="get", tag="x"):
    """Load ``url`` for ``seconds`` with ``connections``; returns the figure's numbers.

    ``errors`` counts non-2xx answers plus socket errors (connect, read, write, timeout).
    """
    assert url.startswith("http://127.0.0.1:"), url
    threads = min(2, connections)
    argv = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{seconds}s",
            "--timeout", "10s", "-s", str(SCRIPT), url]
    env = {**os.environ, "BENCH_KIND": kind, "BENCH_TAG": tag}
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=seconds + 30,
                         check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH_JSON "))
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds_taken = raw["duration_us"] / 1e6
    socket_errors = raw["connect"] + raw["read"] + raw["write"] + raw["timeout"]
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / seconds_taken if seconds_taken else 0.0,
        "p50_ms": raw["p50_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "errors": raw["non2xx"] + socket_errors,
        "non2xx": raw["non2xx"],
        "socket_errors": socket_errors,
        "connections": connections,
        "seconds": seconds_taken,
    }
