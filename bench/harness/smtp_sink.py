"""An SMTP sink that accepts every message and counts them (``python -m bench.harness.smtp_sink``).

Both the suite's notify worker and the smtplib floor send to it. Every half second it writes the
number of messages received to ``--count-file``. It runs until SIGTERM.
"""

import argparse
import signal
import threading
import time

from aiosmtpd.controller import Controller


class CountingHandler:
    """Accept any message; count it."""

    def __init__(self):
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        """Count the message and answer 250."""
        with self.lock:
            self.count += 1
        return "250 OK"


def main():
    """Serve until SIGTERM, writing the count to the count file."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--count-file", required=True)
    args = parser.parse_args()
    handler = CountingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=args.port)
    controller.start()
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())
    try:
        while not stopping.wait(0.5):
            with open(args.count_file, "w") as out:
                out.write(str(handler.count))
    finally:
        controller.stop()


def read_count(path):
    """The sink's last written count (0 before it wrote one)."""
    try:
        with open(path) as src:
            return int(src.read().strip() or 0)
    except (FileNotFoundError, ValueError):
        return 0


def wait_for_count(path, at_least, timeout):
    """Wait until the sink counted ``at_least`` messages; returns the last count seen."""
    deadline = time.monotonic() + timeout
    count = read_count(path)
    while count < at_least and time.monotonic() < deadline:
        time.sleep(0.2)
        count = read_count(path)
    return count


if __name__ == "__main__":
    main()
