"""At most so many requests inside the embedded server's apps at once; the rest wait their turn.

werkzeug's threaded server starts a thread for every connection, however many come. Without a
bound, 50 clients mean 50 requests competing for SQLite's single write lock and for pooled
connections, and the pool runs dry. :class:`RequestSlots` lets ``SERVE_THREADS`` requests in,
in order of arrival: a freed slot goes straight to the request that has waited longest, never
to one that just came. A request waiting for its slot holds no database connection. A slot is
given back when the response has been sent (or the app failed), so a streamed download keeps its
slot until it ends.
"""

import collections
import threading

from werkzeug.wsgi import ClosingIterator


class RequestSlots:
    """WSGI middleware: ``slots`` requests in ``app`` at a time, the others queued in order."""

    def __init__(self, app, slots):
        self.app = app
        self.slots = slots
        self.free = slots
        self._lock = threading.Lock()
        self._waiting = collections.deque()

    def __call__(self, environ, start_response):
        """Wait for a slot, run the request, give the slot back once its response is closed."""
        self._take()
        try:
            body = self.app(environ, start_response)
        except BaseException:
            self._give_back()
            raise
        return ClosingIterator(body, [self._give_back])

    def _take(self):
        """A free slot now, or the next one freed after those who came earlier got theirs."""
        with self._lock:
            if self.free and not self._waiting:
                self.free -= 1
                return
            turn = threading.Event()
            self._waiting.append(turn)
        turn.wait()

    def _give_back(self):
        """Hand the slot to the longest-waiting request, or free it."""
        with self._lock:
            if self._waiting:
                self._waiting.popleft().set()
            else:
                self.free += 1
