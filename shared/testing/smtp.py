"""A real SMTP server in the test process (aiosmtpd) that keeps what it receives.

It can be told to answer 451 or 550 for chosen recipients, or to drop the connection after DATA.
"""

import socket
import threading
import time
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port():
    """A TCP port nobody listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Recorder:
    """The aiosmtpd handler: records envelopes, answers as told."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()
        self.reply_for = {}  # recipient -> "451 ..." or "550 ..."

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        """Refuse a recipient when told to, else accept."""
        reply = self.reply_for.get(address.lower())
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        """Keep the message and say 250."""
        msg = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted"

    def received(self, to=None):
        """The messages received so far, optionally only those to ``to``."""
        with self.lock:
            return [m for rcpts, m in self.messages if to is None or to.lower() in
                    [r.lower() for r in rcpts]]

    def wait_for(self, count, to=None, timeout=30.0):
        """Wait until ``count`` messages (to ``to``) arrived; returns them or raises."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.received(to)
            if len(got) >= count:
                return got
            time.sleep(0.05)
        raise AssertionError(f"expected {count} messages to {to}, got {len(self.received(to))}")


class SMTPServer:
    """An aiosmtpd controller on a free port with a :class:`Recorder`."""

    def __init__(self):
        self.port = free_port()
        self.recorder = Recorder()
        self.controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()
