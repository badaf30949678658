"""Possible personal data in a comment: email addresses and Finnish personal identity codes.

A henkilötunnus is DDMMYY, a century sign, a three-digit individual number and a check
character: the nine digits DDMMYYNNN as one number, modulo 31, index the alphabet
``0123456789ABCDEFHJKLMNPRSTUVWXY``. Century signs: ``+`` 1800s; ``-`` and (since 2023) ``Y X W
V U`` 1900s; ``A`` and (since 2023) ``B C D E F`` 2000s. A code is flagged only when its date is a
real date and its check character is right, so ordinary numbers are not flagged.
"""

import datetime as dt
import re

from flask_babel import lazy_gettext as _l

CHECK_CHARACTERS = "0123456789ABCDEFHJKLMNPRSTUVWXY"
CENTURIES = {"+": 1800, "-": 1900, "Y": 1900, "X": 1900, "W": 1900, "V": 1900, "U": 1900,
             "A": 2000, "B": 2000, "C": 2000, "D": 2000, "E": 2000, "F": 2000}
#: hyphen look-alikes people type or paste in place of the "-" century sign
DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-",
                        "\u2212": "-"})

EMAIL = "email"
HENKILOTUNNUS = "henkilotunnus"
#: what the moderator is shown for each kind of finding
LABELS = {EMAIL: _l("email address"), HENKILOTUNNUS: _l("personal identity code")}

_EMAIL_PATTERN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
_HETU_PATTERN = re.compile(
    r"(?<![0-9A-Za-z])(\d{2})(\d{2})(\d{2})([-+A-FU-Y])(\d{3})([0-9A-Y])(?![0-9A-Za-z])",
    re.IGNORECASE,
)


def check_character(digits):
    """The check character of the nine digits DDMMYYNNN (a string)."""
    return CHECK_CHARACTERS[int(digits) % 31]


def is_henkilotunnus(day, month, year, sign, number, check):
    """Whether the parts make a henkilötunnus with a real date and the right check character."""
    try:
        dt.date(CENTURIES[sign.upper()] + int(year), int(month), int(day))
    except ValueError:
        return False
    return check_character(f"{day}{month}{year}{number}") == check.upper()


def find_henkilotunnus(text):
    """The valid personal identity codes in ``text``, as written."""
    text = text or ""
    normalized = text.translate(DASHES)  # one character for one, so the spans still match
    return [text[match.start():match.end()] for match in _HETU_PATTERN.finditer(normalized)
            if is_henkilotunnus(*match.groups())]


def find_emails(text):
    """The email addresses in ``text``."""
    return _EMAIL_PATTERN.findall(text or "")


def detect(text):
    """The kinds of personal data found, comma-separated (``"email,henkilotunnus"``), or None."""
    kinds = [kind for kind, found in ((EMAIL, find_emails(text)),
                                      (HENKILOTUNNUS, find_henkilotunnus(text))) if found]
    return ",".join(kinds) or None


def describe(flag):
    """The moderator's reading of a ``personal_data_flag`` (translated labels, comma-separated)."""
    return ", ".join(str(LABELS.get(kind, kind)) for kind in (flag or "").split(",") if kind)
