"""The published memo as HTML: one fragment that both the public page and the PDF are made of.

The fragment is rendered in the memo's own language (the forum's), whatever the reader picked
for the site around it: the text, the approval record, the follow-up table and the list of
publications. :func:`print_html` wraps it in a whole document with ``<html lang>`` and the
print stylesheet (the county's header, page numbers) for WeasyPrint.
"""

from flask import current_app, render_template
from flask_babel import force_locale, format_date, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from services.memo import links, queries
from services.memo.rendering import memo_html

#: characters a CSS string may hold as they are; any other is written as a CSS escape
_CSS_PLAIN = frozenset(" .,:;-–()/")
#: a follow-up's fields as the public log names them
FIELD_LABELS = {"handling_body": _l("handled by"), "handled_on": _l("when"),
                "outcome": _l("outcome"), "decision_url": _l("decision")}


def county_name():
    """The county's name for the document's header (a setting; a generic name when empty)."""
    return current_app.config.get("MEMO_COUNTY_NAME") or gettext("Wellbeing services county")


def css_string(text):
    """``text`` as a quoted CSS string, every character but letters, digits and a few escaped."""
    return '"' + "".join(c if c.isalnum() or c in _CSS_PLAIN else f"\\{ord(c):x} "
                         for c in str(text)) + '"'


def field_label(name):
    """The public name of a follow-up field."""
    return str(FIELD_LABELS.get(name, name))


def _updates(follow_ups):
    """The follow-ups' changes made after publication, newest first, as (follow-up, update)."""
    found = [(f, u) for f in follow_ups for u in f.updates if u.after_publication]
    return sorted(found, key=lambda pair: pair[1].changed_at, reverse=True)


def context(memo, publication):
    """What the fragment shows of ``publication`` of ``memo``."""
    follow_ups = queries.follow_ups(memo)
    version = publication.version
    return {"memo": memo, "publication": publication, "version": version,
            "in_force": memo.publication, "approvals": queries.approvals(version),
            "follow_ups": follow_ups, "updates": _updates(follow_ups),
            "own_heading": version.body.lstrip().startswith("# "),
            "county": county_name(), "links": links, "format_date": format_date,
            "field_label": field_label, "memo_html": memo_html}


def fragment(memo, publication):
    """The memo's article as HTML in the memo's language."""
    with force_locale(memo.locale):
        return Markup(render_template(  # noqa: S704 - rendered by Jinja, which escapes
            "memo/public/_document.html", **context(memo, publication)))


def print_html(memo, publication):
    """The whole HTML document the PDF is made of: the same fragment, the print stylesheet."""
    with force_locale(memo.locale):
        values = context(memo, publication)
        return render_template("memo/public/print.html", article=fragment(memo, publication),
                               css_string=css_string, page_label=gettext("Page"),
                               locale=memo.locale, **values)
