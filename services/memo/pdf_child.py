"""The process that renders a memo's tagged PDF: WeasyPrint alone, HTML in, PDF out.

:mod:`services.memo.pdf` runs this file as a child process (by its path, so no Flask app,
database or Celery is imported): the HTML document comes on stdin, the base URL as the only
argument, and stdout carries the page count on a line of its own, then the PDF's bytes. The
rendering's memory belongs to the child and is returned when it exits: WeasyPrint keeps a Pango
layout for every line of every page until it writes the file, and a process's heap does not
shrink after it. A 5,000-comment memo (177 pages) peaks at about 290 MiB here, and the worker
that asked for it stays at its own size.

Nothing here may import foorumi's packages: only the standard library and WeasyPrint.
"""

import contextlib
import gc
import sys

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
    """(PDF bytes, page count) of an HTML document, in this process.

    The layout's cyclic garbage is collected before the PDF is built, so the two never add up
    in the peak.
    """
    from weasyprint import HTML  # imported when first used: it loads Pango

    with _rendering():
        rendered = HTML(string=html, base_url=base_url).render(pdf_variant=PDF_VARIANT)
        gc.collect()
        content = rendered.write_pdf(pdf_variant=PDF_VARIANT)
    return content, len(rendered.pages)


def main(argv=None, stdin=None, stdout=None):
    """Render stdin's HTML; write the page count, a newline and the PDF to stdout."""
    argv = sys.argv[1:] if argv is None else argv
    stdin = stdin or sys.stdin.buffer
    stdout = stdout or sys.stdout.buffer
    html = stdin.read().decode("utf-8")
    content, pages = render(html, argv[0] if argv and argv[0] else None)
    stdout.write(b"%d\n" % pages)
    stdout.write(content)
    stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
