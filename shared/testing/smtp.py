"""A real SMTP server in the test process (aiosmtpd) that keeps what it receives.

It can be told to answer 451 or 550 for chosen recipients (always, or the first n times), or to
drop the connection after DATA without a reply.
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
        #: recipient -> how many more times ``reply_for`` answers before it accepts (None: always)
        self.reply_times = {}
        #: recipients whose message is read and then the connection dropped, with no reply
        #: (-> how many more times; None: always); nothing is recorded for them
        self.drop_after_data = {}
        self.refused = []  # (recipient, reply) of every refusal and drop, in order

    def _take(self, table, address):
        """Whether ``address`` is in ``table`` now, counting one use off a limited entry."""
        with self.lock:
            if address not in table:
                return False
            left = table[address] if table is self.drop_after_data else self.reply_times.get(address)
            if left is None:
                return True
            if left <= 0:
                return False
            if table is self.drop_after_data:
                table[address] = left - 1
            else:
                self.reply_times[address] = left - 1
            return True

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        """Refuse a recipient when told to, else accept."""
        address_key = address.lower()
        reply = self.reply_for.get(address_key)
        if reply and self._take(self.reply_for, address_key):
            with self.lock:
                self.refused.append((address_key, reply))
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        """Keep the message and say 250, or hang up without a reply when told to."""
        rcpts = [r.lower() for r in envelope.rcpt_tos]
        if any(self._take(self.drop_after_data, r) for r in rcpts):
            with self.lock:
                self.refused.extend((r, "dropped") for r in rcpts)
            server.transport.close()
            return "421 Closing"  # never reaches the client: the connection is gone
        msg = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 Message accepted"

    def counts(self):
        """{recipient: number of messages received}."""
        tally = {}
        with self.lock:
            for rcpts, _msg in self.messages:
                for r in rcpts:
                    tally[r.lower()] = tally.get(r.lower(), 0) + 1
        return tally

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
