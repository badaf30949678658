"""The suite's message catalogs: extract, update and compile them with Babel (``pybabel``).

``python -m foorumi.catalogs update`` extracts every marked string of ``shared/``, ``services/``
and ``foorumi/`` (see ``babel.cfg``) and merges it into ``shared/translations/{fi,sv,en}``;
the English catalog is the identity (the source strings are English). ``compile [LOCALE...]``
writes the ``.mo`` files Flask-Babel reads. ``make translations`` and ``make`` call these.
"""

import fcntl
import json
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "shared" / "translations"
SOURCES = ("shared", "services", "foorumi")
LOCALES = ("fi", "sv", "en")
#: flask_babel's names besides Babel's defaults (_, gettext, ngettext, pgettext, ...)
KEYWORDS = ("_l", "lazy_gettext", "lazy_ngettext:1,2", "lazy_pgettext:1c,2")
PO_OPTIONS = ("--width=100", "--ignore-obsolete", "--no-fuzzy-matching")


def pybabel(*args):
    """Run a ``pybabel`` command in the repository root; raise if it fails."""
    argv = ["pybabel", "--quiet", *args]
    try:
        status = CommandLineInterface().run(argv)
    except SystemExit as exc:  # optparse exits on bad arguments
        status = exc.code
    if status:
        raise RuntimeError(f"{' '.join(argv)} failed ({status})")


def extract(pot_path):
    """Write every marked string of the sources to the template ``pot_path``."""
    keywords = [f"--keyword={k}" for k in KEYWORDS]
    pybabel("extract", f"--mapping-file={ROOT / 'babel.cfg'}", f"--output-file={pot_path}",
            "--add-location=file", "--sort-output", "--width=100", "--project=foorumi",
            "--copyright-holder=foorumi", *keywords, *(str(ROOT / s) for s in SOURCES))
    _relative_locations(pot_path)


def _relative_locations(pot_path):
    """Make the template's location comments relative to the repository root."""
    with open(pot_path, "rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        message.locations = [(_relative(path), lineno) for path, lineno in message.locations]
    with open(pot_path, "wb") as handle:
        write_po(handle, catalog, width=100, include_lineno=False, sort_output=True)


def _relative(path):
    """``path`` relative to the repository root when it lies inside it."""
    try:
        return str(Path(path).resolve().relative_to(ROOT))
    except ValueError:
        return path


def po_path(locale):
    """The ``.po`` catalog of ``locale``."""
    return TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po"


def update():
    """Merge the freshly extracted strings into every locale's catalog (creating missing ones)."""
    with tempfile.TemporaryDirectory() as tmp:
        pot = Path(tmp) / "messages.pot"
        extract(pot)
        for locale in LOCALES:
            command = "update" if po_path(locale).exists() else "init"
            extra = PO_OPTIONS if command == "update" else ("--width=100",)
            pybabel(command, f"--input-file={pot}", f"--output-dir={TRANSLATIONS}",
                    f"--locale={locale}", *extra)
            _tidy(locale)


def _tidy(locale):
    """Unmark the header as fuzzy (else nothing compiles); fill the English catalog as identity."""
    path = po_path(locale)
    with open(path, "rb") as handle:
        catalog = read_po(handle, locale=locale)
    catalog.fuzzy = False
    if locale == "en":
        for message in catalog:
            if message.id:
                message.string = message.id
                message.flags.discard("fuzzy")
                message.previous_id = []
    with open(path, "wb") as handle:
        write_po(handle, catalog, width=100, include_lineno=False, include_previous=True)


def compile_catalogs(locales=LOCALES):
    """Compile the ``.po`` catalogs of ``locales`` into ``.mo`` files."""
    for locale in locales:
        pybabel("compile", f"--directory={TRANSLATIONS}", f"--locale={locale}", "--domain=messages")


def _translation(entry, locale):
    """An entry's translation into ``locale`` (English: the source itself)."""
    if locale == "en":
        return (entry["msgid"], entry["plural"]) if entry.get("plural") else entry["msgid"]
    value = entry[locale]
    return tuple(value) if isinstance(value, list) else value


def add(entries_path):
    """Add the translations of a JSON file to every catalog and compile them.

    The file is a list of ``{"msgid", "plural" (optional), "fi", "sv"}``; a plural's ``fi`` and
    ``sv`` are ``[one, many]``. Entries already in a catalog are replaced. The catalogs are
    locked while they are written, so several people (or helpers) can add at once.
    """
    entries = json.loads(Path(entries_path).read_text(encoding="utf-8"))
    with open(TRANSLATIONS / ".lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        for locale in LOCALES:
            path = po_path(locale)
            with open(path, "rb") as handle:
                catalog = read_po(handle, locale=locale)
            for entry in entries:
                msgid = (entry["msgid"], entry["plural"]) if entry.get("plural") else entry["msgid"]
                flags = ["python-format"] if "%(" in entry["msgid"] else []
                if msgid in catalog:
                    del catalog[msgid]
                catalog.add(msgid, _translation(entry, locale), flags=flags)
            with open(path, "wb") as handle:
                write_po(handle, catalog, width=100, include_lineno=False, include_previous=True)
        compile_catalogs()


def main(argv=None):
    """``python -m foorumi.catalogs update|extract POT|compile [LOCALE...]|add ENTRIES.json``."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["update"]:
        update()
    elif argv[:1] == ["extract"] and len(argv) == 2:
        extract(argv[1])
    elif argv[:1] == ["add"] and len(argv) == 2:
        add(argv[1])
    elif argv[:1] == ["compile"]:
        compile_catalogs(argv[1:] or LOCALES)
    else:
        print(main.__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
