"""User text: Markdown rendered to HTML, then sanitized with nh3 (no raw HTML survives)."""

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


def markdown(text):
    """Markdown source as safe HTML markup for templates."""
    return Markup(sanitize_html(_md.render(text or "")))  # noqa: S704 - sanitized by nh3 above
