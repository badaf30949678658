"""The dev mailbox pages: list, show (sanitized, links clickable), raw source, attachments."""

from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from icalendar import Calendar

from services.notify import tasks
from services.notify.models import OutgoingEmail, db
from shared.mail import build_message
from tests.notify.payloads import MANAGE_URL, email_payload


class Page(HTMLParser):
    """Tags, attributes and script contents of a page."""

    def __init__(self, html):
        super().__init__()
        self.elements, self.scripts, self._in_script = [], [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        """Record each element with its attributes."""
        self.elements.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_data(self, data):
        """Keep what is inside script elements."""
        if self._in_script:
            self.scripts.append(data)

    def links(self):
        """Every href on the page."""
        return [attrs.get("href") for tag, attrs in self.elements if tag == "a"]


def send(app, **changes):
    """Send an email through the task with the dev mailbox backend; returns its row id."""
    with app.app_context():
        tasks.send_email(email_payload(**changes))
        return db.session.scalar(sa.select(sa.func.max(OutgoingEmail.id)))


def store_raw(app, html):
    """Store a hand-made email whose HTML part is ``html``; returns its row id."""
    msg = build_message(sender="x@example.fi", to="eve@example.fi", subject="Hostile",
                        text="plain", html=html)
    with app.app_context():
        row = OutgoingEmail(message_id="11111111-1111-1111-1111-111111111111",
                            recipient="eve@example.fi", template="registration_confirmed",
                            locale="en", subject="Hostile", mime=msg.as_bytes())
        db.session.add(row)
        db.session.commit()
        return row.id


def test_list_shows_the_newest_first_and_filters_by_recipient(notify_app):
    send(notify_app, to="first@example.fi")
    send(notify_app, to="second@example.fi", event_title="Spring forum")
    client = notify_app.test_client()
    page = client.get("/dev/mailbox/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert page.index("second@example.fi") < page.index("first@example.fi")
    assert "Registration confirmed: Spring forum" in page
    filtered = client.get("/dev/mailbox/?to=FIRST@example.fi").get_data(as_text=True)
    assert "first@example.fi" in filtered and "second@example.fi" not in filtered


def test_show_has_clickable_links_and_lists_the_attachment(notify_app):
    email_id = send(notify_app)
    response = notify_app.test_client().get(f"/dev/mailbox/{email_id}",
                                            headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = Page(response.get_data(as_text=True))
    assert MANAGE_URL in page.links()
    assert f"/dev/mailbox/{email_id}/attachments/0" in page.links()
    text = response.get_data(as_text=True)
    assert "Registration confirmed: Autumn provider forum" in text
    assert "<dd>Sent</dd>" in text


def test_raw_source_is_the_mime_message(notify_app):
    email_id = send(notify_app)
    response = notify_app.test_client().get(f"/dev/mailbox/{email_id}/raw")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    assert b"Subject: Registration confirmed: Autumn provider forum" in response.data
    assert b"multipart/alternative" in response.data


def test_attachment_downloads_as_a_parseable_calendar(notify_app):
    email_id = send(notify_app)
    response = notify_app.test_client().get(f"/dev/mailbox/{email_id}/attachments/0")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"].startswith("attachment")
    event = Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert str(event["SUMMARY"]) == "Autumn provider forum"


@pytest.mark.parametrize("path", ["/dev/mailbox/999999", "/dev/mailbox/999999/raw",
                                  "/dev/mailbox/999999/attachments/0", "/dev/mailbox/abc"])
def test_unknown_email_is_404(notify_app, path):
    assert notify_app.test_client().get(path).status_code == 404


def test_unknown_attachment_is_404(notify_app):
    email_id = send(notify_app)
    client = notify_app.test_client()
    assert client.get(f"/dev/mailbox/{email_id}/attachments/1").status_code == 404


HOSTILE = """<p>Hi</p><script>alert("mailbox-xss")</script>
<a href="javascript:alert('js-link')">click</a>
<img src="x" onerror="alert('onerror')">
<p onclick="alert('onclick')">text</p>
<a href="https://example.fi/ok">fine link</a>
<style>body{display:none}</style><iframe src="https://evil.example/"></iframe>"""


def test_hostile_html_in_an_email_does_not_survive(notify_app):
    email_id = store_raw(notify_app, HOSTILE)
    response = notify_app.test_client().get(f"/dev/mailbox/{email_id}")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    page = Page(body)
    assert page.scripts == []
    assert all(not name.startswith("on") for _, attrs in page.elements for name in attrs)
    assert not any(href and href.lower().startswith(("javascript:", "data:"))
                   for href in page.links())
    assert not any(tag in ("iframe", "img", "style") for tag, _ in page.elements)
    assert "mailbox-xss" not in body and "js-link" not in body
    assert "https://example.fi/ok" in page.links()


def test_mailbox_is_absent_when_dev_mailbox_is_off(make_app):
    app = make_app("notify", DEV_MAILBOX=False)
    client = app.test_client()
    assert client.get("/dev/mailbox/").status_code == 404
    assert client.get("/dev/mailbox/1/raw").status_code == 404
