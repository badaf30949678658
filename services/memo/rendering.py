"""A memo's Markdown as sanitized HTML, its headings kept.

Comments (:func:`shared.web.text.markdown`) may not use the page's top headings; a memo is the
page, so its ``#`` title and ``##`` agenda items stay ``h1`` and ``h2``: the public page's
outline and the PDF's structure tree (PDF/UA) are made of them. Everything else is sanitized
exactly as user text is.
"""

import functools

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

from shared.web.text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, URL_SCHEMES

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).disable("image")
MEMO_TAGS = ALLOWED_TAGS | {"h1", "h2"}


@functools.lru_cache(maxsize=64)
def _render(text):
    """The sanitized HTML of a memo's text (a published version never changes: cached)."""
    return nh3.clean(_md.render(text), tags=MEMO_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes=URL_SCHEMES, link_rel="noopener noreferrer nofollow",
                     strip_comments=True)


def memo_html(text):
    """A memo's Markdown as safe HTML with its headings."""
    return Markup(_render(str(text or "")))  # noqa: S704 - sanitized by nh3 in _render
