"""The message catalogs: up to date with the source, English as identity, compiled, translated.

When a catalog test fails because strings were added or changed, run ``make translations`` and
commit the updated ``shared/translations``.
"""

import io

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from foorumi import catalogs

HINT = "run `make translations` and commit shared/translations"


def _read_po(path):
    """The catalog at ``path``."""
    with open(path, "rb") as handle:
        return read_po(handle)


def _ids(catalog):
    """The message ids of a catalog, without the header."""
    return {message.id for message in catalog if message.id}


@pytest.fixture(scope="module")
def source_ids(tmp_path_factory):
    """Every message id marked in the source now."""
    pot = tmp_path_factory.mktemp("catalogs") / "messages.pot"
    catalogs.extract(pot)
    return _ids(_read_po(pot))


def test_the_source_has_marked_strings(source_ids):
    assert "Provider forum" in source_ids  # the portal's heading
    assert "This field is required." in source_ids  # a lazy_gettext in shared/


@pytest.mark.parametrize("locale", catalogs.LOCALES)
def test_the_catalog_has_every_string_of_the_source(locale, source_ids):
    catalog_ids = _ids(_read_po(catalogs.po_path(locale)))
    missing = sorted(map(str, source_ids - catalog_ids))[:10]
    stale = sorted(map(str, catalog_ids - source_ids))[:10]
    assert not missing and not stale, f"{locale}: missing {missing}, no longer used {stale}; {HINT}"


def test_the_english_catalog_is_the_identity():
    catalog = _read_po(catalogs.po_path("en"))
    assert not catalog.fuzzy
    wrong = [m.id for m in catalog if m.id and (m.string != m.id or m.fuzzy)]
    assert not wrong, f"{wrong[:10]}; {HINT}"


@pytest.mark.parametrize("locale", catalogs.LOCALES)
def test_the_compiled_catalog_matches_its_source(locale):
    po = catalogs.po_path(locale)
    expected = io.BytesIO()
    write_mo(expected, _read_po(po))
    assert po.with_suffix(".mo").read_bytes() == expected.getvalue(), (
        "the .mo is stale: run `make catalogs`"
    )


@pytest.mark.parametrize("locale", ["fi", "sv"])
def test_every_string_is_translated(locale):
    catalog = _read_po(catalogs.po_path(locale))
    untranslated = [
        m.id for m in catalog
        if m.id and (m.fuzzy or not all(m.string if isinstance(m.string, tuple) else [m.string]))
    ]
    assert not untranslated, f"{locale}: {len(untranslated)} untranslated, e.g. {untranslated[:5]}"
