"""User text: Markdown rendered to HTML, then sanitized with nh3 (no raw HTML survives).

Rendering is a pure function of the text, so the latest RENDER_CACHE_SIZE results are kept: a
topic page with hundreds of approved comments renders each comment once per process, not once
per request.
"""

import functools

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "breaks": True}).disable("image")

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "blockquote", "code", "pre", "a", "h3", "h4", "hr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html):
    """Only harmless tags, no event handlers, only http(s)/mailto links with rel=noopener."""
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow", strip_comments=True,
    )


#: how many rendered texts each process keeps (a comment is at most 5,000 characters)
RENDER_CACHE_SIZE = 4096


@functools.lru_cache(maxsize=RENDER_CACHE_SIZE)
def _render(text):
    """The sanitized HTML of ``text`` (cached: the same text always renders the same)."""
    return sanitize_html(_md.render(text))


def markdown(text):
    """Markdown source as safe HTML markup for templates."""
    return Markup(_render(str(text or "")))  # noqa: S704 - sanitized by nh3 in _render
