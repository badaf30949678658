"""The memo service's public pages: the list of published memos, a memo, its PDF.

A memo's page shows the publication in force; an earlier publication (one a correction
replaced) stays readable at its own address and says so. The memo's text, approval record,
follow-up table and publications are the fragment of :mod:`.document`, in the memo's language.
"""

import io

from flask import abort, render_template, send_file
from flask_babel import force_locale

from services.memo import document, pdf, queries
from services.memo.models import db

#: how long a browser or proxy may keep a PDF (follow-ups may change it after that)
PDF_MAX_AGE = 300


def list_memos():
    """Every published memo, the latest forum first."""
    return render_template("memo/index.html", memos=queries.published_memos())


def _published(memo_id, publication_id=None):
    """(memo, publication): the publication in force, or ``publication_id``; 404 if none."""
    memo = queries.public_memo(memo_id) or abort(404)
    if publication_id is None:
        return memo, memo.publication
    return memo, queries.publication_of(memo, publication_id) or abort(404)


def _page(memo, publication):
    """The public page of one publication."""
    with force_locale(memo.locale):
        title = memo.forum.title
    return render_template("memo/public/memo.html", memo=memo, publication=publication,
                           title=title, article=document.fragment(memo, publication),
                           links=document.links)


def show_memo(memo_id):
    """A published memo as it is in force."""
    return _page(*_published(memo_id))


def show_publication(memo_id, publication_id):
    """One publication of a memo, also one a correction replaced."""
    return _page(*_published(memo_id, publication_id))


def _pdf(memo, publication):
    """The publication's stored PDF as a response (rendered and stored on first request)."""
    content = pdf.stored(memo, publication)
    db.session.commit()
    response = send_file(io.BytesIO(content), mimetype="application/pdf",
                         download_name=pdf.filename(memo, publication), max_age=PDF_MAX_AGE)
    response.headers["Content-Language"] = memo.locale
    return response


def memo_pdf(memo_id):
    """The PDF of the publication in force."""
    return _pdf(*_published(memo_id))


def publication_pdf(memo_id, publication_id):
    """The PDF of one publication (the address notify attaches from)."""
    return _pdf(*_published(memo_id, publication_id))
