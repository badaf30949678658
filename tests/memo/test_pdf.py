"""The published memo's PDF: it parses, holds the agenda and the approvers, is tagged, is stored."""

import datetime as dt
import io
import re

import pypdf
import pytest

from services.memo import followups, pdf
from services.memo.models import FollowUp, MemoPdf, db
from tests.memo.builders import comment, staff, topics
from tests.memo.published import published_memo
from tests.registration.builders import english


def _reader(content):
    """A pypdf reader of PDF bytes."""
    return pypdf.PdfReader(io.BytesIO(content))


def _text(reader):
    """All the PDF's text, whitespace collapsed."""
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


@pytest.fixture
def long_memo(ctx):
    """(memo id, publication id) of a published memo with 60 comments on its first item."""
    many = [comment(n, organisation=f"Provider {n % 7}",
                    html="<p>" + "A considered point about the budget. " * 12 + "</p>")
            for n in range(1, 61)]
    memo_id, publication_id, _secretary, _members = published_memo(
        feedback_topics=topics(many, [comment(99)]))
    return memo_id, publication_id


def test_the_pdf_parses_and_holds_the_agenda_and_the_approvers(app, long_memo):
    memo_id, publication_id = long_memo
    response = english(app).get(f"/memos/{memo_id}.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    reader = _reader(response.data)
    assert len(reader.pages) > 2
    text = _text(reader)
    for title in ("Budget 2027", "Procurement plan"):
        assert title in text
    for name in ("Member 00", "Member 01"):
        assert name in text
    assert re.search(rf"\b{len(reader.pages)} / {len(reader.pages)}\b", text)  # page numbers
    with app.app_context():
        stored = db.session.query(MemoPdf).one()
        assert (stored.publication_id, stored.pages) == (publication_id, len(reader.pages))


def test_the_pdf_is_tagged_with_a_structure_tree_and_a_language(app, long_memo):
    memo_id, publication_id = long_memo
    content = english(app).get(f"/memos/{memo_id}/publications/{publication_id}.pdf").data
    catalog = _reader(content).trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert bool(catalog["/MarkInfo"]["/Marked"]) is True
    assert catalog["/Lang"] == "fi"  # the memo's language, not the reader's


def test_the_pdf_is_rendered_once_until_a_follow_up_changes(app, long_memo, monkeypatch):
    memo_id, _publication_id = long_memo
    renders = []
    real = pdf.render_publication
    monkeypatch.setattr(pdf, "render_publication",
                        lambda *args: renders.append(1) or real(*args))
    client = english(app)
    first = client.get(f"/memos/{memo_id}.pdf").data
    assert client.get(f"/memos/{memo_id}.pdf").data == first
    assert len(renders) == 1
    with app.app_context():
        follow_up = db.session.query(FollowUp).filter_by(memo_id=memo_id).first()
        followups.update(follow_up, {"outcome": "Approved in the budget",
                                     "handled_on": dt.date(2027, 2, 3)}, staff("secretary"))
        db.session.commit()
    updated = client.get(f"/memos/{memo_id}.pdf").data
    assert len(renders) == 2
    assert "Approved in the budget" in _text(_reader(updated))
    with app.app_context():
        assert db.session.query(MemoPdf).count() == 1  # the older rendering was replaced
