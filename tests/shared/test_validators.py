"""The shared validators: Finnish business ID (Y-tunnus), email normalization, plain text."""

import pytest
from flask import Flask
from marshmallow import ValidationError

from shared.config import load
from shared.validators import (
    BusinessId,
    PlainText,
    business_id_check_digit,
    is_business_id,
    normalize_email,
)
from shared.web.i18n import init_i18n


@pytest.fixture
def app():
    """A bare app with the suite's i18n, so lazy messages have a language."""
    app = Flask(__name__)
    app.config.update(load({"ENV": "test"}))
    init_i18n(app)
    return app


@pytest.mark.parametrize("value", ["0112038-9", "0109862-8", "1572860-0", "2331972-7",
                                   "1234567-1"])
def test_valid_business_ids(value):
    assert is_business_id(value)


@pytest.mark.parametrize("value", [
    "0112038-8",  # wrong check digit
    "1234567-8",
    "0000006-0",  # remainder 1: never issued, whatever the check digit
    "0000006-1",
    "0112038",  # no check digit
    "112038-9",  # six digits
    "01120389",  # no hyphen
    "0112038-9 ",  # trailing space (callers strip)
    "A112038-9",
    "",
    None,
    1120389,
])
def test_invalid_business_ids(value):
    assert not is_business_id(value)


def test_check_digit_rules():
    assert business_id_check_digit("0112038") == 9  # 11 - remainder
    assert business_id_check_digit("1572860") == 0  # remainder 0
    assert business_id_check_digit("0000006") is None  # remainder 1


def test_remainder_one_is_refused_for_every_check_digit():
    assert not any(is_business_id(f"0000006-{d}") for d in range(10))


def test_validator_returns_a_valid_id(app):
    with app.test_request_context():
        assert BusinessId()("0112038-9") == "0112038-9"


def test_validator_message_is_translated(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(ValidationError) as raised:
            BusinessId()("0112038-8")
        assert [str(m) for m in raised.value.messages] == [
            "Enter a valid business ID (Y-tunnus), e.g. 1234567-8."]


@pytest.mark.parametrize(("value", "expected"), [
    ("  Maija.Meikalainen@Example.FI ", "maija.meikalainen@example.fi"),
    ("a@b.fi", "a@b.fi"),
    ("", ""),
    (None, ""),
])
def test_normalize_email(value, expected):
    assert normalize_email(value) == expected


@pytest.mark.parametrize("value", ["Maija Meikäläinen", "Åbo Akademi – 2031", "名前 😀", ""])
def test_plain_text_takes_what_people_type(value):
    assert PlainText()(value) == value and PlainText(multiline=True)(value) == value


@pytest.mark.parametrize("value", ["Maija\r\nBcc: x@example.fi", "a\nb", "a\rb", "a\x0bb", "a\x0cb",
                                   "a\x1cb", "a\x85b", "a\u2028b", "a\u2029b"])
def test_a_line_break_in_single_line_text_is_refused(app, value):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(ValidationError) as raised:
            PlainText()(value)
        assert [str(m) for m in raised.value.messages] == ["Write this on one line."]


@pytest.mark.parametrize("value", ["a\x00b", "a\x07b", "a\tb", "a\x1bb", "a\x7fb", "a\x9bb"])
def test_a_control_character_in_single_line_text_is_refused(app, value):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        with pytest.raises(ValidationError) as raised:
            PlainText()(value)
        assert [str(m) for m in raised.value.messages] == [
            "The text contains characters that are not allowed."]


def test_multiline_text_keeps_newlines_and_tabs():
    text = "First line\r\nSecond\tline\n\nThird \u2028 line"
    assert PlainText(multiline=True)(text) == text


@pytest.mark.parametrize("value", ["a\x00b", "a\x08b", "a\x0bb", "a\x0cb", "a\x1fb", "a\x7fb",
                                   "a\x80b"])
def test_multiline_text_refuses_other_control_characters(app, value):
    with app.test_request_context(headers={"Accept-Language": "sv"}):
        with pytest.raises(ValidationError) as raised:
            PlainText(multiline=True)(value)
        assert [str(m) for m in raised.value.messages] == [
            "Texten innehåller tecken som inte är tillåtna. Ta bort dem och försök igen."]
