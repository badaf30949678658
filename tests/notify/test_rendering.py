"""A newsletter as each subscriber gets it, from a renderer that renders each language once."""

from email import message_from_bytes, policy

import pytest

from services.notify import rendering
from services.notify.models import Campaign
from tests.notify.newsletters import CONTENT

#: a body with what quoted-printable must get right: long lines, '=', a lone dot, no ASCII
TRICKY = ("Rivi = yhtä kuin " * 20 + "\n.\nÅäö – “quotes” €\n--===============x==\n"
          "trailing space \nand [a link](https://example.fi/?a=1&b=2)")


class Someone:
    """A recipient as a lane reads it: email, name, locale, token."""

    def __init__(self, email, locale, token, name=""):
        self.email, self.locale, self.token, self.name = email, locale, token, name


def parsed(message):
    """The standard library's reading of a renderer's bytes."""
    return message_from_bytes(message.data, policy=policy.default)


@pytest.fixture
def renderer(notify_app):
    """A renderer of a two-language campaign, in an app context."""
    with notify_app.app_context():
        yield rendering.Renderer(Campaign(content=CONTENT))


def test_each_recipient_gets_their_own_links_and_language(renderer, monkeypatch):
    calls = []
    real = rendering.render_email
    monkeypatch.setattr(rendering, "render_email",
                        lambda *args, **kw: calls.append(args[1]) or real(*args, **kw))
    people = [Someone(f"p{n}@example.fi", ("fi", "sv", "en")[n % 3], f"tok{n}-_x")
              for n in range(6)]
    messages = [renderer.message(p) for p in people]
    assert calls == ["fi", "sv"]  # English falls back to the Finnish version, rendered once
    for person, message in zip(people, messages, strict=True):
        msg = parsed(message)
        want = "sv" if person.locale == "sv" else "fi"
        assert message.lang == want and msg["Subject"] == CONTENT[want]["subject"]
        assert msg["To"] == person.email
        for part in ("plain", "html"):
            body = msg.get_body((part,)).get_content()
            assert f"/notify/unsubscribe/{person.token}" in body
            assert f"/notify/preferences/{person.token}" in body
            others = [p.token for p in people if p is not person]
            assert not any(f"/{token}" in body for token in others)
            assert "slot" not in body
        assert f'lang="{want}"' in msg.get_body(("html",)).get_content()
        https, _mailto = msg["List-Unsubscribe"].split(", ")
        assert https == f"<http://localhost/notify/unsubscribe/{person.token}>"
    assert len({parsed(m)["Message-ID"] for m in messages}) == len(messages)


def test_the_one_click_header_is_sent_as_plain_links(renderer):
    token = "A" * 43  # as long as a real token: too long for one 78-character line
    data = renderer.message(Someone("maija@example.fi", "fi", token)).data
    assert f"List-Unsubscribe: <http://localhost/notify/unsubscribe/{token}>,\r\n <mailto:".encode() in data
    assert b"=?utf-8?" not in data.split(b"\r\n\r\n")[0].split(b"List-Unsubscribe:")[1]
    assert all(len(line) <= 998 for line in data.split(b"\r\n"))
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_the_bodies_survive_encoding(notify_app):
    with notify_app.app_context():
        made = rendering.Renderer(Campaign(content={"fi": {"subject": "Testi", "body": TRICKY}}))
        message = made.message(Someone("maija@example.fi", "fi", "tok", name="Maija <b>"))
    msg = parsed(message)
    assert msg.get_content_type() == "multipart/alternative"
    text = msg.get_body(("plain",)).get_content()
    assert TRICKY in text.replace("\r\n", "\n")
    assert "€" in msg.get_body(("html",)).get_content()
    assert all(len(line) <= 78 for line in message.data.split(b"\r\n\r\n", 1)[1].split(b"\r\n"))


def test_a_test_send_is_the_subscribers_message_with_a_marked_subject(notify_app):
    with notify_app.test_request_context("/notify/staff"):  # a staff page's request
        lang, msg = rendering.test_message(Campaign(content=CONTENT), "staff@example.fi",
                                           "Staff Member", "sv")
    assert lang == "sv" and msg["Subject"].endswith("Nyhetsbrev") and msg["Subject"] != "Nyhetsbrev"
    assert msg["To"].addresses[0].display_name == "Staff Member"
    assert "/notify/unsubscribe/test-" in msg.get_body(("plain",)).get_content()
