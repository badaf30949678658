"""Fixtures of the notify tests: the app on each mail backend and an SMTP port that hangs up."""

import socket
import threading

import pytest


@pytest.fixture
def notify_app(make_app):
    """The notify app with the dev mailbox backend (no SMTP)."""
    return make_app("notify")


@pytest.fixture
def smtp_app(make_app, smtp):
    """The notify app sending over SMTP to the test's aiosmtpd server."""
    return make_app("notify", MAIL_BACKEND="smtp", SMTP_PORT=smtp.port, SMTP_TIMEOUT=5.0,
                    MAIL_MAX_RETRIES=3)


@pytest.fixture
def dropping_port():
    """A port whose server accepts each connection and drops it at once (no SMTP greeting)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.1)
    stop = threading.Event()

    def serve():
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1]
    stop.set()
    thread.join(timeout=2)
    listener.close()


@pytest.fixture
def newsletter_app(make_app, smtp):
    """The notify app sending newsletters over SMTP to the test's server, retries quick."""
    return make_app("notify", MAIL_BACKEND="smtp", SMTP_PORT=smtp.port, SMTP_TIMEOUT=5.0,
                    NEWSLETTER_RETRY_SECONDS=0.05, NEWSLETTER_BATCH_SIZE=10,
                    NEWSLETTER_CONNECTIONS=2)
