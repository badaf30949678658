"""The published memo's tagged PDF (PDF/UA-1), made by WeasyPrint from the page's own HTML.

Rendered once per publication and follow-up revision and stored in the memo database
(:class:`~services.memo.models.MemoPdf`), so every web process serves the same bytes without a
disk of its own. The structure tree and ``/Lang`` come from the HTML (``<html lang>``); the
print stylesheet puts the county's name at the top of each page and "page n / N" at the bottom.
Needs Debian's Pango (``libpango-1.0-0``, ``libpangoft2-1.0-0``).
"""

import contextlib
import gc

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from services.memo import document, queries
from services.memo.models import MemoPdf, db

#: the PDF flavour: tagged, with a structure tree and the document's language
PDF_VARIANT = "pdf/ua-1"


def _page_references(pdf):
    """pydyf's ``PDF.page_references``, built once per page count instead of on every call.

    pydyf 0.13 rebuilds the tuple of every page's reference each time it is read, and
    WeasyPrint's PDF/UA tagging reads it once per tagged element: O(pages²), 2 s of a 349-page
    memo. The pages are only ever appended, so the tuple is valid while their number stands.
    """
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_foorumi_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{n} 0 R".encode("ascii") for n in kids[::3]))
        pdf.__dict__["_foorumi_page_references"] = cached
    return cached[1]


@contextlib.contextmanager
def _rendering():
    """Around a rendering: pydyf's page references cached, the cyclic collector paused.

    WeasyPrint allocates millions of short-lived objects, and the collector's passes over a
    growing heap cost seconds on a long memo. The pause ends (and earlier settings return) on
    the way out, whatever happens.
    """
    import pydyf  # WeasyPrint's PDF writer, imported with it

    original = pydyf.PDF.page_references
    was_enabled = gc.isenabled()
    pydyf.PDF.page_references = property(_page_references)
    gc.disable()
    try:
        yield
    finally:
        pydyf.PDF.page_references = original
        if was_enabled:
            gc.enable()


def render(html, base_url=None):
    """(PDF bytes, page count) of an HTML document.

    The layout's cyclic garbage (about 100 MiB at 349 pages) is collected before the PDF is built,
    so the two never add up in the peak.
    """
    from weasyprint import HTML  # imported when first used: it loads Pango

    with _rendering():
        rendered = HTML(string=html, base_url=base_url).render(pdf_variant=PDF_VARIANT)
        gc.collect()
        content = rendered.write_pdf(pdf_variant=PDF_VARIANT)
    return content, len(rendered.pages)


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
