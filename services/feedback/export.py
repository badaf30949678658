"""The secretary's exports of approved comments: a topic's or a whole forum's, as CSV or XLSX.

Only what the public sees goes out (approved comments in approved threads on live topics, from
:func:`queries.threads`), each reply right after the comment it answers, with the organisation,
the business ID and the Markdown text. Authors' email addresses are never exported: the memo
needs who said what, not how to reach them.
"""

from flask_babel import format_datetime
from flask_babel import gettext as _

from services.feedback import queries
from shared.spreadsheets import CSV_TYPE, XLSX_TYPE, csv_text, xlsx_bytes

FORMATS = {"csv": CSV_TYPE, "xlsx": XLSX_TYPE}


def _header():
    """The column titles."""
    return [_("Topic"), _("Comment"), _("Reply to"), _("Approved"), _("Name"), _("Organisation"),
            _("Business ID"), _("On behalf of the organisation"), _("Text")]


def _row(topic, comment):
    """One approved comment's cells."""
    return [topic.title, comment.id, comment.parent_id or "",
            format_datetime(comment.approved_at, "short"), comment.author_name,
            comment.organisation, comment.business_id or "",
            _("Yes") if comment.on_behalf_of_organisation else _("No"), comment.body]


def rows(topic_list):
    """The cells of every approved comment of the topics, in agenda and thread order."""
    for topic in topic_list:
        for thread in queries.threads(topic.id):
            yield _row(topic, thread.comment)
            for reply in thread.replies:
                yield _row(topic, reply)


def render(fmt, title, topic_list):
    """The export of ``topic_list`` in ``fmt`` (``csv`` or ``xlsx``) as bytes."""
    if fmt == "csv":
        return csv_text(_header(), rows(topic_list)).encode("utf-8")
    return xlsx_bytes(_header(), rows(topic_list), title)

