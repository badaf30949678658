"""The shared marshmallow fields: Text (single- and multi-line), Id and UtcDateTime."""

import datetime as dt

import pytest
from flask import Flask
from marshmallow import Schema, ValidationError

from shared.config import load
from shared.web.fields import ID_MAX, Id, Text, UtcDateTime
from shared.web.i18n import init_i18n
from shared.web.messages import translate_errors


class PersonSchema(Schema):
    """A name on one line, a note on several, a reference and a time."""

    name = Text(20, required=True)
    note = Text(100, multiline=True, load_default="")
    ref = Id(load_default=None, allow_none=True)
    at = UtcDateTime(load_default=None)


@pytest.fixture
def app():
    """A bare app with the suite's i18n, so lazy messages have a language."""
    app = Flask(__name__)
    app.config.update(load({"ENV": "test"}))
    init_i18n(app)
    return app


def errors(app, data, lang="en"):
    """The schema's errors for ``data`` as the user reads them, in ``lang``."""
    with app.test_request_context(headers={"Accept-Language": lang}):
        with pytest.raises(ValidationError) as raised:
            PersonSchema().load(data)
        return translate_errors(raised.value.messages)


def test_text_is_stripped_and_multiline_text_keeps_its_lines(app):
    with app.test_request_context():
        data = PersonSchema().load({"name": "  Maija ", "note": "one\r\ntwo\tthree\n"})
    assert data["name"] == "Maija" and data["note"] == "one\r\ntwo\tthree"


def test_a_line_break_in_a_name_is_a_field_error_in_the_users_language(app):
    assert errors(app, {"name": "Maija\r\nBcc: x@example.fi"}) == {"name": ["Write this on one line."]}
    assert errors(app, {"name": "Maija\nM"}, "fi") == {"name": ["Kirjoita tämä yhdelle riville."]}
    assert errors(app, {"name": "Maija\nM"}, "sv") == {"name": ["Skriv detta på en rad."]}


def test_a_nul_in_multiline_text_is_a_field_error(app):
    assert errors(app, {"name": "M", "note": "a\x00b"}) == {
        "note": ["The text contains characters that are not allowed."]}


def test_a_blank_required_text_is_missing(app):
    assert errors(app, {"name": " \t "}) == {"name": ["This field is required."]}


@pytest.mark.parametrize("ref", [0, -1, ID_MAX + 1, 2**63, 10**100])
def test_an_id_out_of_range_names_no_row(app, ref):
    assert errors(app, {"name": "M", "ref": ref}) == {"ref": ["There is no such item."]}


@pytest.mark.parametrize("ref", ["5", 5.0, True, [5], {"id": 5}, float("inf"), float("nan")])
def test_an_id_is_a_json_whole_number(app, ref):
    assert "ref" in errors(app, {"name": "M", "ref": ref})


def test_the_largest_id_loads(app):
    with app.test_request_context():
        assert PersonSchema().load({"name": "M", "ref": ID_MAX})["ref"] == ID_MAX


@pytest.mark.parametrize("at", ["0001-01-01T00:00:00+02:00", "9999-12-31T23:59:59-12:00",
                                "1999-12-31T23:00:00+00:00", "3000-01-01T00:00:00+00:00"])
def test_a_time_outside_the_years_is_invalid(app, at):
    assert errors(app, {"name": "M", "at": at}) == {"at": ["Enter a valid date and time."]}


def test_a_time_loads_as_utc(app):
    with app.test_request_context():
        at = PersonSchema().load({"name": "M", "at": "2031-06-10T13:00:00+03:00"})["at"]
    assert at == dt.datetime(2031, 6, 10, 10, 0, tzinfo=dt.UTC) and at.tzinfo == dt.UTC
