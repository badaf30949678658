"""Building messages, showing contract datetimes, and SMTP outcomes (shared.mail)."""

import datetime as dt
from email import message_from_bytes, policy

import pytest
from flask import Flask
from flask_babel import Babel, force_locale

from shared import mail
from shared.mail import (
    MessageFrame,
    PermanentFailure,
    SMTPConnection,
    TransientFailure,
    build_message,
    format_iso_datetime,
    format_period,
    header_bytes,
    parse_iso,
    reusable_connection,
)

CALENDAR = b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n"
SMTP_SETTINGS = {"SMTP_HOST": "127.0.0.1", "SMTP_STARTTLS": False, "SMTP_USERNAME": "",
                 "SMTP_PASSWORD": "", "SMTP_TIMEOUT": 5.0}


def message(**changes):
    """A message with text, HTML and one attachment."""
    values = {"sender": "Foorumi <foorumi@example.fi>", "to": "maija@example.fi",
              "to_name": "Meikäläinen, Maija", "subject": "Tervetuloa – välkommen",
              "text": "Hei!\n", "html": "<p>Hei!</p>",
              "attachments": [("kutsu.ics", "text/calendar", CALENDAR),
                              ("liite.pdf", "application/pdf", b"%PDF-1.4 ...")]}
    values.update(changes)
    return build_message(**values)


def test_build_message_has_alternatives_then_attachments():
    msg = message_from_bytes(message().as_bytes(), policy=policy.default)
    assert msg.get_content_type() == "multipart/mixed"
    alternative, *files = list(msg.iter_parts())
    assert alternative.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alternative.iter_parts()] == ["text/plain", "text/html"]
    assert [(f.get_filename(), f.get_content_type()) for f in files] == [
        ("kutsu.ics", "text/calendar"), ("liite.pdf", "application/pdf")]
    assert files[1].get_content() == b"%PDF-1.4 ..."
    assert msg["Subject"] == "Tervetuloa – välkommen"
    assert msg["To"].addresses[0].display_name == "Meikäläinen, Maija"
    assert msg["Message-ID"] and msg["Date"]


def test_build_message_refuses_header_injection():
    with pytest.raises(ValueError):
        message(subject="Hello\r\nBcc: victim@example.fi").as_bytes()


def content(msg, kind):
    """The text of ``msg``'s ``kind`` body with its (CRLF, as sent) line ends as LF."""
    return msg.get_body((kind,)).get_content().replace("\r\n", "\n")


def framed(**changes):
    """A frame's message to Maija, as the standard library reads it back."""
    frame = MessageFrame(sender="Foorumi <foorumi@example.fi>", subject="Tervetuloa – välkommen",
                         headers={"Precedence": "bulk"})
    values = {"to": "maija@example.fi", "to_name": "Meikäläinen, Maija", "text": "Hei = moi!\n",
              "html": "<p>Hei</p>", "headers": {"List-Unsubscribe": "<https://x.fi/u/1>"}}
    data = frame.fill(**{**values, **changes})
    return data, message_from_bytes(data, policy=policy.default)


def test_a_frame_gives_each_recipient_a_whole_message():
    data, msg = framed()
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert content(msg, "plain") == "Hei = moi!\n"
    assert content(msg, "html") == "<p>Hei</p>\n"
    assert msg["Subject"] == "Tervetuloa – välkommen" and msg["Precedence"] == "bulk"
    assert msg["To"].addresses[0].display_name == "Meikäläinen, Maija"
    assert msg["List-Unsubscribe"] == "<https://x.fi/u/1>" and msg["Message-ID"] and msg["Date"]
    assert data.isascii() and b"\n" not in data.replace(b"\r\n", b"")
    assert framed()[1]["Message-ID"] != msg["Message-ID"]


def test_a_frame_refuses_header_injection():
    with pytest.raises(ValueError):
        framed(headers={"List-Unsubscribe": "<https://x.fi>\r\nBcc: victim@example.fi"})
    with pytest.raises(ValueError):
        framed(to_name="Maija\nBcc: victim@example.fi")


def test_long_ascii_headers_fold_at_spaces_and_keep_their_words():
    value = "<https://example.fi/" + "a" * 90 + ">, <mailto:x@example.fi?subject=" + "b" * 70 + ">"
    folded = header_bytes("List-Unsubscribe", value)
    assert folded == f"List-Unsubscribe: <https://example.fi/{'a' * 90}>,\r\n".encode() + (
        f" <mailto:x@example.fi?subject={'b' * 70}>\r\n".encode())
    assert header_bytes("Precedence", "bulk") == b"Precedence: bulk\r\n"


def test_smtp_sends_stored_bytes_as_they_are(smtp):
    data = message().as_bytes()  # LF line ends, as rows made before CRLF were stored
    connection = SMTPConnection({**SMTP_SETTINGS, "SMTP_PORT": smtp.port})
    try:
        connection.send(data, "maija@example.fi", "foorumi@example.fi")
    finally:
        connection.close()
    (msg,) = smtp.recorder.received("maija@example.fi")
    assert msg["Message-ID"] == message_from_bytes(data, policy=policy.default)["Message-ID"]
    assert content(msg, "plain") == "Hei!\n"


@pytest.fixture
def babel_app():
    """A bare app with Flask-Babel in Helsinki time."""
    app = Flask(__name__)
    app.config["BABEL_DEFAULT_TIMEZONE"] = "Europe/Helsinki"
    Babel(app)
    return app


def plain(text):
    """CLDR's no-break spaces as plain spaces."""
    return text.replace("\u202f", " ").replace("\xa0", " ")


def test_parse_iso_keeps_zones_and_takes_naive_as_utc():
    aware = parse_iso("2031-01-05T10:00:00+02:00")
    assert aware == dt.datetime(2031, 1, 5, 8, 0, tzinfo=dt.UTC)
    assert parse_iso("2031-01-05T10:00:00").tzinfo == dt.UTC
    assert parse_iso("") is None and parse_iso(None) is None


def test_contract_datetimes_show_in_helsinki_time(babel_app):
    with babel_app.app_context(), force_locale("fi"):
        winter = format_period("2031-01-05T10:00:00+00:00", "2031-01-05T12:30:00+00:00")
        summer = format_iso_datetime("2031-06-05T10:00:00+00:00", "short")
    assert plain(winter) == "sunnuntai 5. tammikuuta 2031, 12.00–14.30"  # UTC+2
    assert plain(summer) == "5.6.2031 13.00"  # UTC+3


def test_period_over_several_days_names_both_dates(babel_app):
    with babel_app.app_context(), force_locale("en"):
        text = plain(format_period("2031-01-05T10:00:00+00:00", "2031-01-06T21:30:00+00:00"))
    assert text == "Sunday, January 5, 2031 12:00 PM – Monday, January 6, 2031 11:30 PM"


def test_an_evening_in_utc_can_be_the_next_day_in_helsinki(babel_app):
    with babel_app.app_context(), force_locale("en"):
        text = plain(format_period("2031-01-05T22:30:00+00:00", "2031-01-05T23:30:00+00:00"))
    assert text == "Monday, January 6, 2031, 12:30 AM–1:30 AM"


def test_smtp_send_succeeds_and_reuses_the_connection(smtp):
    connection = SMTPConnection({**SMTP_SETTINGS, "SMTP_PORT": smtp.port})
    try:
        connection.send(message(), "maija@example.fi")
        connection.send(message(to="pekka@example.fi"), "pekka@example.fi")
    finally:
        connection.close()
    assert [m["To"] for m in smtp.recorder.received()] == [
        '"Meikäläinen, Maija" <maija@example.fi>', '"Meikäläinen, Maija" <pekka@example.fi>']


@pytest.mark.parametrize("reply, outcome", [("451 4.7.1 Greylisted", TransientFailure),
                                            ("452 Mailbox full", TransientFailure),
                                            ("550 5.1.1 No such user", PermanentFailure),
                                            ("553 Not allowed", PermanentFailure)])
def test_smtp_replies_become_outcomes(smtp, reply, outcome):
    smtp.recorder.reply_for["maija@example.fi"] = reply
    connection = SMTPConnection({**SMTP_SETTINGS, "SMTP_PORT": smtp.port})
    with pytest.raises(outcome) as failure:
        connection.send(message(), "maija@example.fi")
    assert str(failure.value).startswith(reply[:3])
    assert smtp.recorder.received() == []


def test_no_server_is_a_transient_failure():
    from shared.testing.smtp import free_port

    connection = SMTPConnection({**SMTP_SETTINGS, "SMTP_PORT": free_port()})
    with pytest.raises(TransientFailure):
        connection.send(message(), "maija@example.fi")


@pytest.fixture
def opens(monkeypatch):
    """Counts the SMTP connections opened (each is a TCP connect, EHLO and maybe a login)."""
    count = [0]
    real = SMTPConnection._open

    def counted(self):
        count[0] += 1
        return real(self)

    monkeypatch.setattr(SMTPConnection, "_open", counted)
    return count


def settings_for(smtp):
    """The settings of the test server."""
    return {**SMTP_SETTINGS, "SMTP_PORT": smtp.port}


def test_a_thread_reuses_one_connection_for_a_stream_of_emails(smtp, opens):
    for n in range(5):
        reusable_connection(settings_for(smtp)).send(message(), f"user{n}@example.fi")
    reusable_connection(settings_for(smtp)).close()
    assert opens[0] == 1 and len(smtp.recorder.received()) == 5


def test_a_connection_dropped_while_idle_is_noticed_and_reopened(smtp, opens, monkeypatch):
    monkeypatch.setattr(mail, "SMTP_CHECK_SECONDS", 0.0)
    connection = reusable_connection(settings_for(smtp))
    connection.send(message(to="first@example.fi"), "first@example.fi")
    connection._smtp.close()  # the server went away between two messages
    connection.send(message(to="second@example.fi"), "second@example.fi")
    connection.close()
    assert opens[0] == 2
    assert sorted(m["To"].addresses[0].addr_spec for m in smtp.recorder.received()) == [
        "first@example.fi", "second@example.fi"]


def test_a_drop_during_a_message_is_a_transient_failure_never_a_silent_resend(smtp, opens):
    connection = reusable_connection(settings_for(smtp))
    connection.send(message(to="first@example.fi"), "first@example.fi")
    connection._smtp.close()  # back to back: no NOOP check, so the send itself meets the drop
    with pytest.raises(TransientFailure):
        connection.send(message(to="second@example.fi"), "second@example.fi")
    assert opens[0] == 1 and len(smtp.recorder.received()) == 1
    connection.send(message(to="second@example.fi"), "second@example.fi")  # the retry reopens
    connection.close()
    assert opens[0] == 2 and len(smtp.recorder.received()) == 2


def test_an_idle_connection_is_closed_before_the_next_email(smtp, opens, monkeypatch):
    monkeypatch.setattr(mail, "SMTP_IDLE_SECONDS", 0.0)
    connection = reusable_connection(settings_for(smtp))
    connection.send(message(), "first@example.fi")
    connection.send(message(), "second@example.fi")
    connection.close()
    assert opens[0] == 2 and len(smtp.recorder.received()) == 2


def test_another_server_gets_its_own_connection(smtp, opens):
    first = reusable_connection(settings_for(smtp))
    other = reusable_connection({**settings_for(smtp), "SMTP_USERNAME": "someone"})
    assert other is not first and first._smtp is None
    other.close()
