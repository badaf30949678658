"""The published memo's PDF: it parses, holds the agenda and the approvers, is tagged, is stored."""

import datetime as dt
import io
import re
from pathlib import Path

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


def test_the_pdf_is_rendered_in_a_child_process_that_imports_no_foorumi(app, monkeypatch):
    import subprocess

    seen = []
    real = subprocess.run

    def run(argv, **kwargs):
        seen.append(argv)
        return real(argv, **kwargs)

    monkeypatch.setattr(pdf.subprocess, "run", run)
    with app.app_context():
        content, pages = pdf.render("<html lang='fi'><body><h1>Muistio</h1></body></html>")
    assert content.startswith(b"%PDF") and pages == 1
    assert seen[0][1:3] == ["-P", pdf.pdf_child.__file__]
    source = Path(pdf.pdf_child.__file__).read_text(encoding="utf-8")
    assert "import services" not in source and "from services" not in source
    assert "from shared" not in source and "import flask" not in source.lower()


def test_a_failed_rendering_raises_and_says_why(app, monkeypatch, caplog):
    with app.app_context():
        app.config["MEMO_PDF_TIMEOUT_SECONDS"] = 60
        monkeypatch.setattr(pdf.pdf_child, "__file__", "/nonexistent/pdf_child.py")
        with pytest.raises(pdf.RenderingFailed, match="exited 2"):
            pdf.render("<html><body>x</body></html>")
    assert "the PDF rendering failed" in caplog.text


def test_a_rendering_past_its_deadline_is_given_up(app):
    with app.app_context():
        app.config["MEMO_PDF_TIMEOUT_SECONDS"] = 0.01
        with pytest.raises(pdf.RenderingFailed, match="longer than"):
            pdf.render("<html><body>" + "<p>x</p>" * 20000 + "</body></html>")


def test_the_child_writes_the_page_count_then_the_pdf():
    import io

    out = io.BytesIO()
    assert pdf.pdf_child.main([""], io.BytesIO(b"<html lang='en'><body><p>Hi</p></body></html>"),
                              out) == 0
    pages, _, content = out.getvalue().partition(b"\n")
    assert pages == b"1" and content.startswith(b"%PDF")
