"""The embedded server's request slots: so many requests in the apps at once, the rest waiting."""

import threading

import pytest
from werkzeug.test import Client, EnvironBuilder

from foorumi.request_slots import RequestSlots
from shared.testing.waiting import wait_until


class GatedApp:
    """A WSGI app whose requests stay inside until ``release`` is set; counts them meanwhile."""

    def __init__(self):
        self.inside = 0
        self.most_inside = 0
        self.release = threading.Event()
        self._lock = threading.Lock()

    def __call__(self, environ, start_response):
        """Count this request in, wait for the gate, answer 200."""
        with self._lock:
            self.inside += 1
            self.most_inside = max(self.most_inside, self.inside)
        self.release.wait(10)
        with self._lock:
            self.inside -= 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


def test_requests_beyond_the_slots_wait_their_turn():
    app = GatedApp()
    client = Client(RequestSlots(app, 3))
    answers = []
    threads = [threading.Thread(target=lambda: answers.append(client.get("/", buffered=True).status_code))
               for _ in range(8)]
    for thread in threads:
        thread.start()
    wait_until(lambda: app.inside == 3, timeout=5, message="three requests inside")
    app.release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert answers == [200] * 8
    assert app.most_inside == 3


def test_a_freed_slot_goes_to_the_longest_waiting_request():
    app = GatedApp()
    slots = RequestSlots(app, 1)
    order = []

    def request(name):
        body = slots(EnvironBuilder("/").get_environ(), lambda *args: None)
        order.append(name)
        body.close()

    first = threading.Thread(target=request, args=("first",))
    first.start()
    wait_until(lambda: app.inside == 1, timeout=5, message="the first request inside")
    waiting = []
    for number, name in enumerate(["second", "third", "fourth"], start=1):
        waiting.append(threading.Thread(target=request, args=(name,)))
        waiting[-1].start()
        wait_until(lambda n=number: len(slots._waiting) == n, timeout=5, message=f"{name} waits")
    app.release.set()
    for thread in [first, *waiting]:
        thread.join(timeout=10)
    assert order == ["first", "second", "third", "fourth"]


def test_a_slot_is_held_until_the_response_is_closed():
    slots = RequestSlots(lambda environ, start: start("200 OK", []) or [b"a", b"b"], 1)
    environ = EnvironBuilder("/").get_environ()
    body = slots(environ, lambda *args: None)
    assert slots.free == 0  # the streamed response still has it
    body.close()
    assert slots.free == 1


def test_a_failing_app_gives_its_slot_back():
    def failing(environ, start_response):
        raise RuntimeError("boom")

    slots = RequestSlots(failing, 1)
    with pytest.raises(RuntimeError):
        slots(EnvironBuilder("/").get_environ(), lambda *args: None)
    assert slots.free == 1
