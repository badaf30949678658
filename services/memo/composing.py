"""The text of a new draft: the forum's header, then each agenda item with its comments.

Pure functions of the forum, the comments read from feedback's API and the attendance read from
registration's; written in the memo's language. Each comment is quoted (HTML reduced to plain
text) with a link back to it on its topic's page.
"""

import html
from collections import Counter
from html.parser import HTMLParser

from flask_babel import force_locale, gettext, ngettext

from shared.mail import format_period

BLOCKS = {"p", "br", "li", "blockquote", "div", "h1", "h2", "h3", "h4", "pre", "tr"}


class _Text(HTMLParser):
    """Collects an HTML fragment's text, a line break at each block."""

    def __init__(self):
        super().__init__()
        self.parts = []

    def handle_starttag(self, tag, attrs):
        """A block starts a new line."""
        if tag in BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        """Text as it is."""
        self.parts.append(data)


def text_of(fragment):
    """The plain text of sanitized comment HTML, one line per paragraph."""
    parser = _Text()
    parser.feed(fragment or "")
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)


def flatten(comments):
    """The comments of a topic with each one's replies after it, oldest first."""
    flat = []
    for comment in comments:
        flat.append(comment)
        flat.extend(comment.get("replies") or [])
    return flat


def count_all(topics):
    """(approved comments, commenting organisations) over all ``topics`` of feedback's answer."""
    comments = [c for topic in topics for c in flatten(topic.get("comments") or [])]
    return len(comments), len({c.get("organisation", "").strip().lower() for c in comments})


def _name_lines(memo):
    """The header's chair and secretary lines (in the current locale)."""
    return ["- " + gettext("Chair: %(name)s", name=memo.chair_name or "–"),
            "- " + gettext("Secretary: %(name)s", name=memo.secretary_name or "–")]


def name_lines(memo):
    """The header's chair and secretary lines of ``memo``, in its language."""
    with force_locale(memo.locale):
        return _name_lines(memo)


def _header(memo, forum, topics):
    """The header lines: title, time, place, chair, secretary, attendance, comment counts."""
    comments, organisations = count_all(topics)
    lines = ["# " + gettext("Memo: %(title)s", title=forum.title), "",
             "- " + gettext("Time: %(when)s", when=format_period(forum.starts_at, forum.ends_at)),
             "- " + gettext("Place: %(place)s", place=forum.place or "–"),
             *_name_lines(memo)]
    if memo.attendance is None:
        lines.append("- " + gettext("Attendance: not known (registration did not answer)"))
    else:
        lines.append("- " + gettext(
            "Attendance: %(onsite)s on site, %(remote)s remote, %(checked_in)s checked in",
            **memo.attendance))
    lines.append("- " + gettext("Comments: %(comments)s from %(organisations)s organisations",
                                comments=comments, organisations=organisations))
    return lines

#: characters that start Markdown emphasis, links, code, HTML or entities inside link text
_MARKDOWN_SYNTAX = frozenset("\\`*_[]<>&!~")


def _quote(comment):
    """A comment as a Markdown quote ending in its signature, which links back to it.

    The text is the comment as readers saw it: characters that Markdown would take for HTML
    are escaped, so a literal ``<b>`` stays text. The signature is the link (one short line per
    comment instead of a paragraph of its own: a 5,000-comment memo is 177 pages, not 349).
    """
    text = html.escape(text_of(comment.get("html")), quote=False)
    lines = [f"> {line}" for line in text.splitlines()] or [">"]
    signature = f"{comment.get('author_name', '')}, {comment.get('organisation', '')}"
    lines[-1] += f" — [{_link_text(signature)}]({comment.get('url', '')})"
    return lines


def _link_text(text):
    """``text`` as literal Markdown link text: the characters of Markdown's syntax escaped."""
    return "".join("\\" + c if c in _MARKDOWN_SYNTAX else c for c in text)


def _comments(topic):
    """An agenda item's comment section: the summary by organisation, then each quoted."""
    comments = flatten((topic or {}).get("comments") or [])
    if not comments:
        return [gettext("No comments were received on this topic.")]
    by_organisation = Counter(c.get("organisation", "") for c in comments)
    summary = ", ".join(f"{name} ({count})" for name, count in sorted(
        by_organisation.items(), key=lambda pair: (-pair[1], pair[0])))
    lines = [ngettext("%(num)s approved comment: %(organisations)s",
                      "%(num)s approved comments: %(organisations)s", len(comments),
                      organisations=summary)]
    for comment in comments:
        lines += ["", *_quote(comment)]
    return lines


def _item(number, item, topic):
    """One agenda item's section."""
    return ["", f"## {number}. {item.title}", "",
            gettext("Presenter: %(name)s", name=item.presenter_name or "–"), "",
            "### " + gettext("Discussion"), "", gettext("Write the discussion notes here."), "",
            "### " + gettext("Electronic comments"), "", *_comments(topic)]


def match_topics(forum, topics, topic_items=None):
    """{agenda item id: feedback topic} by the window-closed message's ids, else by position."""
    topic_items = topic_items or {}
    by_position = {topic.get("position"): topic for topic in topics}
    by_item = {topic_items[t["id"]]: t for t in topics if t.get("id") in topic_items}
    return {item.id: by_item.get(item.id) or by_position.get(item.position)
            for item in forum.agenda}


def compose(memo, forum, topics, topic_items=None):
    """The Markdown of a new draft of ``memo`` in its language."""
    matched = match_topics(forum, topics, topic_items)
    with force_locale(memo.locale):
        lines = _header(memo, forum, topics)
        for number, item in enumerate(forum.agenda, start=1):
            lines += _item(number, item, matched[item.id])
    return "\n".join(lines) + "\n"
