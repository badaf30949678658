"""Possible personal data in comment text: email addresses and valid henkilötunnus codes."""

import pytest

from services.feedback import personal_data
from services.feedback.personal_data import check_character, detect, find_emails, find_henkilotunnus

VALID_CODES = [
    "131052-308T",  # the classic example: 1900s, "-"
    "010594Y9021",  # the 2023 additions for the 1900s: Y X W V U
    "010594Y9032",
    "020502E902X",  # the 2023 additions for the 2000s: B C D E F
    "010101A123N",  # 2000s, "A"
    "311299+456X",  # 1800s, "+"
    "290200A001B",  # 29 February 2000 (a leap year)
]


def test_check_characters_of_known_codes():
    assert check_character("131052308") == "T"
    assert check_character("010594902") == "1"


@pytest.mark.parametrize("code", VALID_CODES)
def test_valid_codes_are_found_in_text(code):
    assert find_henkilotunnus(f"Minun hetuni on {code}, kiitos.") == [code]
    assert detect(f"({code})") == "henkilotunnus"


@pytest.mark.parametrize("text", [
    "131052-308A",   # wrong check character
    "131052G308T",   # G is no century sign
    "321052-308T",   # day 32
    "131352-308T",   # month 13
    "290201A001L",   # right check character, but 29 February 2001 does not exist
    "131052-30T",    # too short
    "X131052-308T",  # part of a longer token
    "131052-308TT",
    "Order 2024-001 costs 1234567-8 euros",  # business IDs and order numbers
])
def test_near_misses_are_not_flagged(text):
    assert find_henkilotunnus(text) == []


def test_lowercase_and_typographic_dashes_are_still_found():
    assert find_henkilotunnus("hetu 131052\u2013308t") == ["131052\u2013308t"]
    assert find_henkilotunnus("131052\u2212308T") == ["131052\u2212308T"]


def test_email_addresses_are_found():
    assert find_emails("Write to maija.meikalainen+forum@hoiva-oy.example.fi today") == [
        "maija.meikalainen+forum@hoiva-oy.example.fi"]
    assert find_emails("the @ sign and user@host alone are not addresses") == []


@pytest.mark.parametrize(("text", "flag"), [
    ("Nothing personal here.", None),
    ("", None),
    (None, None),
    ("mail: a@b.fi", "email"),
    ("a@b.fi and 131052-308T", "email,henkilotunnus"),
])
def test_detect_names_the_kinds_found(text, flag):
    assert detect(text) == flag


def test_the_moderator_reads_the_flag_in_words(app):
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert personal_data.describe("email,henkilotunnus") == (
            "email address, personal identity code")
        assert personal_data.describe(None) == ""
