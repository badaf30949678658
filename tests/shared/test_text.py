"""User text: Markdown rendered, then sanitized against an XSS corpus (shared.web.text)."""

from html.parser import HTMLParser

import pytest
from markupsafe import Markup

from shared.web.text import ALLOWED_TAGS, markdown, sanitize_html

XSS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<body onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](data:text/html,<script>alert(1)</script>)",
    "![img](javascript:alert(1))",
    '[x](https://ok.example/ "title" onmouseover="alert(1)")',
    "<p style=\"background:url('javascript:alert(1)')\">x</p>",
    '<div onmouseover="alert(1)">hover</div>',
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    '<form action="javascript:alert(1)"><button>x</button></form>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<base href=\"javascript:alert(1)//\">",
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "`<script>alert(1)</script>`",
    "```\n<script>alert(1)</script>\n```",
    "<details open ontoggle=alert(1)>",
    "<a href=' javascript:alert(1)'>x</a>",
    "<!-- <script>alert(1)</script> -->",
    "<style>@import 'javascript:alert(1)';</style>",
    '<input autofocus onfocus="alert(1)">',
]


class Elements(HTMLParser):
    """Every element of a fragment with its attributes."""

    def __init__(self, html):
        super().__init__(convert_charrefs=True)
        self.found = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        """Record the element."""
        self.found.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_harmless(html):
    """No scripts, no event handlers, no javascript:/data: URLs, only allowed tags."""
    for tag, attrs in Elements(html).found:
        assert tag in ALLOWED_TAGS, (tag, html)
        for name, value in attrs.items():
            assert not name.lower().startswith("on"), (name, html)
            assert name in ("href", "title", "rel"), (name, html)
            if name == "href":
                url = (value or "").strip().lower().replace("\t", "")
                assert not url.startswith(("javascript:", "data:", "vbscript:")), html


@pytest.mark.parametrize("source", XSS)
def test_markdown_output_is_harmless(source):
    html = str(markdown(source))
    assert_harmless(html)
    assert "<script" not in html.lower()


@pytest.mark.parametrize("source", XSS)
def test_sanitizer_alone_is_harmless(source):
    assert_harmless(sanitize_html(source))


def test_markdown_keeps_formatting_and_safe_links():
    html = str(markdown("**Tärkeä** asia\n\n- yksi\n- kaksi\n\n[Kunta](https://kunta.example/)"))
    elements = Elements(html).found
    assert ("strong", {}) in elements and ("li", {}) in elements
    (link,) = [attrs for tag, attrs in elements if tag == "a"]
    assert link["href"] == "https://kunta.example/"
    assert set(link["rel"].split()) >= {"noopener", "noreferrer", "nofollow"}


def test_raw_html_is_shown_as_text_not_markup():
    html = str(markdown("Hello <b>world</b>"))
    assert "&lt;b&gt;world&lt;/b&gt;" in html and "<b>" not in html


def test_markdown_is_markup_for_templates_and_empty_for_none():
    assert isinstance(markdown("x"), Markup)
    assert str(markdown(None)) == ""
