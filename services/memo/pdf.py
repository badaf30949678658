"""The published memo's tagged PDF (PDF/UA-1), made by WeasyPrint from the page's own HTML.

Rendered once per publication and follow-up revision and stored in the memo database
(:class:`~services.memo.models.MemoPdf`), so every web process serves the same bytes without a
disk of its own. The structure tree and ``/Lang`` come from the HTML (``<html lang>``); the
print stylesheet puts the county's name at the top of each page and "page n / N" at the bottom.
Needs Debian's Pango (``libpango-1.0-0``, ``libpangoft2-1.0-0``). WeasyPrint runs in a child
process of its own (:mod:`services.memo.pdf_child`).
"""

import logging
import subprocess
import sys

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from services.memo import document, pdf_child, queries
from services.memo.models import MemoPdf, db

log = logging.getLogger(__name__)

#: the PDF flavour: tagged, with a structure tree and the document's language
PDF_VARIANT = pdf_child.PDF_VARIANT


class RenderingFailed(RuntimeError):
    """The rendering process failed or ran out of time; nothing was stored."""


def render(html, base_url=None):
    """(PDF bytes, page count) of an HTML document, rendered in a child process.

    The child (:mod:`services.memo.pdf_child`, run by its path with ``-P``, so its folder is not
    on the import path) imports WeasyPrint and nothing of foorumi: its memory is the rendering's
    own and is returned when it exits, and the worker or web process that asked keeps its size.
    It gets MEMO_PDF_TIMEOUT_SECONDS; a failure or a timeout raises RenderingFailed.
    """
    timeout = current_app.config["MEMO_PDF_TIMEOUT_SECONDS"]
    try:
        done = subprocess.run(  # noqa: S603 - our own script, the HTML on stdin
            [sys.executable, "-P", pdf_child.__file__, base_url or ""], input=html.encode("utf-8"),
            capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired as exc:
        raise RenderingFailed(f"the PDF took longer than {timeout} s") from exc
    pages, _, content = done.stdout.partition(b"\n")
    if done.returncode != 0 or not pages.isdigit() or not content.startswith(b"%PDF"):
        error = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
        log.error("memo: the PDF rendering failed (exit %s): %s", done.returncode, " | ".join(error))
        raise RenderingFailed(f"the PDF rendering exited {done.returncode}")
    return content, int(pages)


def render_publication(memo, publication):
    """(PDF bytes, page count) of ``publication`` as it reads now (follow-ups included)."""
    return render(document.print_html(memo, publication), current_app.config["PUBLIC_URL"])


def stored(memo, publication):
    """The publication's PDF bytes: the stored rendering of the current follow-up revision, or
    a new one rendered and stored (replacing older revisions). Flush only; the caller commits.

    Two processes rendering at once both answer with their bytes; one of them is kept.
    """
    revision = queries.follow_up_revision(memo)
    content = db.session.scalar(sa.select(MemoPdf.content).where(
        MemoPdf.publication_id == publication.id, MemoPdf.follow_up_revision == revision))
    if content is not None:
        return content
    content, pages = render_publication(memo, publication)
    try:
        with db.session.begin_nested():
            db.session.execute(sa.delete(MemoPdf).where(MemoPdf.publication_id == publication.id,
                                                        MemoPdf.follow_up_revision < revision))
            db.session.add(MemoPdf(publication_id=publication.id, follow_up_revision=revision,
                                   content=content, pages=pages, size=len(content)))
    except IntegrityError:
        pass  # another process stored the same rendering first
    return content


def filename(memo, publication):
    """The PDF's file name, e.g. ``muistio-3-2.pdf`` (memo, publication)."""
    return f"muistio-{memo.id}-{publication.id}.pdf"
