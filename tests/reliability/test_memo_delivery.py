"""A real Celery worker on Redis delivers a published memo, its PDF attached, to each recipient.

The memo is published in the memo app, which publishes ``memo.published`` right after the
commit. A ``foorumi worker`` subprocess runs notify's ``notify.deliver_memo``: it fetches the PDF
over HTTP from memo's public URL (the memo app served on a local port here), sends one email per
recipient (the recipient list's board and regional government, and the forum's presenters) to
aiosmtpd, and reports each copy as ``memo.delivered``; the worker's ``memo.record_delivery``
then marks the memo's deliveries sent.
"""

import threading

import pytest
import sqlalchemy as sa
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from services.memo.models import Delivery, DeliveryStatus
from services.memo.models import db as memo_db
from services.notify.models import EmailStatus, OutgoingEmail
from services.notify.models import db as notify_db
from shared.testing.databases import redis_url
from shared.testing.waiting import wait_until
from tests.memo.published import published_memo
from tests.registration.builders import fast_passwords  # noqa: F401 - a fixture

pytestmark = pytest.mark.slow

REDIS_DB = 12
RECIPIENTS = ("board@county.example", "government@county.example",
              "finance@county.example", "procurement@county.example")


class MemoSite:
    """The memo app served at ``<url>/memo`` on a free local port, for notify to fetch from."""

    def __init__(self, make_app, **overrides):
        self.server = make_server("127.0.0.1", 0, NotFound(), threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.app = make_app("memo", PUBLIC_URL=self.url, **overrides)
        self.server.app = DispatcherMiddleware(NotFound(), {"/memo": self.app})
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join(timeout=5)


def deliveries(app, publication_id):
    """{email: status} of the publication's deliveries in memo's database."""
    with app.app_context():
        rows = memo_db.session.execute(sa.select(Delivery.email, Delivery.status).where(
            Delivery.publication_id == publication_id)).all()
        memo_db.session.rollback()
        return dict(rows)


def notify_rows(app):
    """{recipient: status} of notify's memo_published emails."""
    with app.app_context():
        return dict(notify_db.session.execute(sa.select(OutgoingEmail.recipient, OutgoingEmail.status)
                                              .where(OutgoingEmail.template == "memo_published")).all())


def test_the_worker_delivers_the_memo_with_its_pdf_to_every_recipient(
        make_app, create_worker, smtp, fast_passwords):  # noqa: F811 - the fixture imported above
    broker = redis_url(REDIS_DB)
    with MemoSite(make_app, BROKER_URL=broker, PUBLISH_IMMEDIATELY=True) as site:
        create_worker(BROKER_URL=broker, MAIL_BACKEND="smtp", SMTP_PORT=smtp.port,
                      PUBLIC_URL=site.url, PUBLISH_IMMEDIATELY=True)
        with site.app.app_context():
            memo_id, publication_id, _secretary, _members = published_memo()
        for address in RECIPIENTS:
            smtp.recorder.wait_for(1, to=address, timeout=30)
        wait_until(lambda: set(deliveries(site.app, publication_id).values()) == {DeliveryStatus.SENT},
                   timeout=30, message="memo's deliveries to be recorded sent")

    counts = smtp.recorder.counts()
    assert {address: counts.get(address) for address in RECIPIENTS} == dict.fromkeys(RECIPIENTS, 1)
    for address in RECIPIENTS:
        (msg,) = smtp.recorder.received(to=address)
        (attachment,) = list(msg.iter_attachments())
        assert attachment.get_content_type() == "application/pdf"
        assert attachment.get_filename() == f"muistio-{memo_id}-{publication_id}.pdf"
        assert attachment.get_content().startswith(b"%PDF-")
        assert f"{site.url}/memo/memos/{memo_id}" in msg.get_body(("plain",)).get_content()
    assert set(deliveries(site.app, publication_id)) == set(RECIPIENTS)
    assert notify_rows(make_app("notify")) == dict.fromkeys(RECIPIENTS, EmailStatus.SENT)
