"""Background material uploads: only PDF, DOCX, PPTX and XLSX, checked by extension AND content.

A PDF must start with ``%PDF-``; DOCX, PPTX and XLSX are ZIP packages that must hold a ``word/``,
``ppt/`` or ``xl/`` folder. The size is capped by ``MATERIAL_MAX_BYTES``; the file name is cleaned
with werkzeug's ``secure_filename`` while keeping it readable.
"""

import io
import unicodedata
import zipfile

from flask import current_app
from flask_babel import format_decimal
from flask_babel import lazy_gettext as _l
from werkzeug.utils import secure_filename

from services.registration.models import Material, db

#: extension -> (content type, short label, ZIP folder it must contain or None for PDF)
TYPES = {
    "pdf": ("application/pdf", "PDF", None),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "DOCX",
             "word/"),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", "PPTX",
             "ppt/"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "XLSX", "xl/"),
}
LABELS = {content_type: label for content_type, label, _ in TYPES.values()}


class MaterialRejected(Exception):
    """The upload is not an allowed document; ``message`` says why, for the user."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = message


def clean_filename(name):
    """A safe, readable file name: accents folded, unsafe characters gone, extension kept."""
    folded = unicodedata.normalize("NFKD", name or "")
    stem, dot, ext = folded.rpartition(".")
    if not dot:
        stem, ext = folded, ""
    stem = secure_filename(stem).strip("._")[:150] or "material"
    ext = secure_filename(ext).lower()
    return f"{stem}.{ext}" if ext else stem


def _extension(filename):
    """The lowercased extension of a file name, or ''."""
    return filename.rpartition(".")[2].lower() if "." in filename else ""


def _read_limited(stream, limit):
    """At most ``limit`` + 1 bytes of the upload (enough to tell it is too large)."""
    return stream.read(limit + 1)


def _content_matches(data, folder):
    """Whether the bytes really are a PDF (folder None) or an Office ZIP with ``folder``."""
    if folder is None:
        return data.startswith(b"%PDF-")
    if not data.startswith(b"PK"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return any(name.startswith(folder) for name in package.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def check_upload(storage):
    """(clean file name, content type, bytes) of an allowed upload; raises MaterialRejected."""
    if storage is None or not storage.filename:
        raise MaterialRejected(_l("Choose a file to upload."))
    filename = clean_filename(storage.filename)
    kind = TYPES.get(_extension(filename))
    if kind is None:
        raise MaterialRejected(_l("Only PDF, DOCX, PPTX and XLSX files can be uploaded."))
    limit = current_app.config["MATERIAL_MAX_BYTES"]
    data = _read_limited(storage.stream, limit)
    if not data:
        raise MaterialRejected(_l("The file is empty."))
    if len(data) > limit:
        raise MaterialRejected(_l("The file is too large (at most %(mb)s MB).",
                                  mb=round(limit / 1024 / 1024, 1)))
    content_type, _, folder = kind
    if not _content_matches(data, folder):
        raise MaterialRejected(_l("The file's content does not match its type."))
    return filename, content_type, data


def add_material(item, storage):
    """Attach an uploaded document to an agenda item (flush only); raises MaterialRejected."""
    filename, content_type, data = check_upload(storage)
    material = Material(agenda_item_id=item.id, filename=filename, content_type=content_type,
                        size=len(data), data=data)
    db.session.add(material)
    db.session.flush()
    return material


def type_label(content_type):
    """PDF, DOCX, PPTX or XLSX for a stored content type."""
    return LABELS.get(content_type, content_type)


def human_size(size):
    """A file size as the pages show it (kB below a megabyte)."""
    if size < 1024 * 1024:
        return f"{max(round(size / 1024), 1)} kB"
    return f"{format_decimal(size / 1024 / 1024, '#,##0.0')} MB"
