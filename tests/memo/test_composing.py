"""The draft's Markdown: each comment quoted with a signature that links back to it."""

from services.memo.composing import _quote
from services.memo.rendering import memo_html
from tests.memo.builders import comment


def test_a_quote_ends_in_the_signature_linking_to_the_comment(ctx):
    lines = _quote(comment(7, organisation="Hoiva Oy", html="<p>Fees first.</p>"))
    assert lines == ["> Fees first. — [Author 7, Hoiva Oy]"
                     "(http://localhost/feedback/topics/1#comment-7)"]
    html = str(memo_html("\n".join(lines)))
    assert ('<a href="http://localhost/feedback/topics/1#comment-7" '
            'rel="noopener noreferrer nofollow">Author 7, Hoiva Oy</a>') in html


def test_brackets_and_markup_in_a_name_stay_text(ctx):
    quoted = {**comment(8), "author_name": "[Evil](javascript:alert(1)) <b>x</b> \\",
              "organisation": "Oy *Ab*]"}
    html = str(memo_html("\n".join(_quote(quoted))))
    assert "javascript:" not in html.split('href="')[1].split('"')[0]
    assert html.count("<a ") == 1
    assert "[Evil](javascript:alert(1)) &lt;b&gt;x&lt;/b&gt; \\, Oy *Ab*]</a>" in html
