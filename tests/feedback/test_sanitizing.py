"""Comment text is Markdown rendered through nh3: no script, handler or dangerous URL survives.

An XSS payload corpus goes in through the real comment form and API (as text, name and
organisation), the comments are approved, and every public page and API answer that shows them
is parsed: no <script>, no on* attribute, no javascript:, vbscript: or data: URL, and inside the
comment text only the harmless tags of shared.web.text.
"""

from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from services.feedback.models import Comment, CommentStatus, db
from shared.db import utcnow
from shared.web.text import ALLOWED_TAGS

CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "<body onload=alert(1)>",
    "<iframe src=\"javascript:alert(1)\"></iframe>",
    "<a href=\"javascript:alert(1)\">click</a>",
    "<a href=\"JaVaScRiPt:alert(1)\">mixed case</a>",
    "<a href=\"jav&#x09;ascript:alert(1)\">entity tab</a>",
    "<a href=\" javascript:alert(1)\">leading space</a>",
    "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">data</a>",
    "<a href=\"vbscript:msgbox(1)\">vb</a>",
    "[markdown link](javascript:alert(1))",
    "[entity link](&#106;avascript:alert(1))",
    "[data link](data:text/html,<script>alert(1)</script>)",
    "![image](javascript:alert(1))",
    "<https://example.fi/\" onmouseover=\"alert(1)>",
    "[title](https://example.fi \"x\\\" onclick=\\\"alert(1)\")",
    "<div style=\"background:url(javascript:alert(1))\">styled</div>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form action=\"javascript:alert(1)\"><button>go</button></form>",
    "<object data=\"javascript:alert(1)\"></object>",
    "<embed src=\"data:image/svg+xml,<svg onload=alert(1)>\">",
    "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">",
    "<details open ontoggle=alert(1)>",
    "\"><script>alert(1)</script>",
    "`<script>alert(1)</script>` and ```\n<script>alert(2)</script>\n```",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    "<!--<script>alert(1)//-->",
    "<input autofocus onfocus=alert(1)>",
]
BAD_SCHEMES = ("javascript:", "vbscript:", "data:")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href", "content"}


class Inspector(HTMLParser):
    """Collects every tag and attribute, and the tags inside comment text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.attributes, self.user_tags = [], [], set()
        self._depth = 0  # >0 while inside <div class="comment-text">

    def handle_starttag(self, tag, attrs):
        """Record the tag and its attributes; note the tags of user content."""
        self.tags.append(tag)
        self.attributes.extend((tag, name.lower(), value or "") for name, value in attrs)
        if self._depth:
            self.user_tags.add(tag)
            if tag == "div":
                self._depth += 1
        elif tag == "div" and "comment-text" in dict(attrs).get("class", ""):
            self._depth = 1

    def handle_endtag(self, tag):
        """Leave comment text at its closing div."""
        if self._depth and tag == "div":
            self._depth -= 1


def assert_safe(html):
    """No script, no handler attribute, no dangerous URL; comment text only uses allowed tags."""
    page = Inspector()
    page.feed(html)
    assert "script" not in page.tags
    for tag, name, value in page.attributes:
        assert not name.startswith("on"), (tag, name, value)
        squeezed = "".join(ch for ch in value if ch > " ").lower()
        if name in URL_ATTRIBUTES:
            assert not squeezed.startswith(BAD_SCHEMES), (tag, name, value)
        assert "javascript:" not in squeezed or name == "value", (tag, name, value)
    assert page.user_tags <= ALLOWED_TAGS, page.user_tags - ALLOWED_TAGS
    return page


@pytest.fixture
def published(app, client, create_forum):
    """Every payload sent as a comment (text, name, organisation) and approved; the topic id.

    Names are single-line: a payload's line breaks are spaces there.
    """
    topic_id = create_forum()[0]
    for n, payload in enumerate(CORPUS):
        line = " ".join(payload.splitlines())[:200]
        body = {"name": line, "organisation": line,
                "email": f"x{n}@example.fi", "text": payload}
        assert client.post(f"/api/v1/topics/{topic_id}/comments", json=body).status_code == 202
    with app.app_context():
        first = db.session.scalar(sa.select(sa.func.min(Comment.id)))
        db.session.execute(sa.update(Comment).values(status=CommentStatus.APPROVED,
                                                     approved_at=utcnow()))
        db.session.commit()
    reply = {"name": CORPUS[0], "organisation": CORPUS[2], "email": "r@example.fi",
             "text": CORPUS[6]}
    assert client.post(f"/api/v1/comments/{first}/replies", json=reply).status_code == 202
    with app.app_context():
        db.session.execute(sa.update(Comment).values(status=CommentStatus.APPROVED,
                                                     approved_at=utcnow()))
        db.session.commit()
    return topic_id


def test_the_topic_page_is_safe(client, published):
    response = client.get(f"/topics/{published}")
    assert response.status_code == 200
    page = assert_safe(response.get_data(as_text=True))
    assert page.tags.count("article") == len(CORPUS)  # every comment is shown, defused
    text = response.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # names are escaped, not dropped


def test_the_topic_page_after_a_bad_form_is_safe(client, published):
    response = client.post(f"/topics/{published}/comments",
                           data={"name": CORPUS[0], "text": CORPUS[2], "email": CORPUS[6]})
    assert response.status_code == 422
    assert_safe(response.get_data(as_text=True))


def test_the_index_and_confirm_pages_are_safe(client, published, confirm_path):
    assert_safe(client.get("/").get_data(as_text=True))
    client.post(f"/topics/{published}/comments", data={
        "name": CORPUS[0], "organisation": CORPUS[1], "email": "c@example.fi",
        "text": CORPUS[2]})
    assert_safe(client.get(confirm_path()).get_data(as_text=True))
    assert_safe(client.post(confirm_path()).get_data(as_text=True))


def test_the_api_only_carries_sanitized_html(client, published):
    response = client.get(f"/api/v1/topics/{published}/comments")
    threads = response.json
    assert len(threads) == len(CORPUS) and len(threads[0]["replies"]) == 1
    for comment in threads + threads[0]["replies"]:
        assert_safe(f'<div class="comment-text">{comment["html"]}</div>')
        assert "text" not in comment  # the Markdown source is never served, only its HTML
    # names are plain text in JSON (clients escape them); they come back exactly as given
    assert threads[2]["author_name"] == CORPUS[2]
