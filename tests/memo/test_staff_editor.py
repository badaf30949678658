"""The secretary's editor: a save is a version, bad input changes nothing, the live preview is
sanitized, the diff shows the changes, a restore makes a new version."""

import re

import pytest

from services.memo.models import Memo, MemoVersion, db
from tests.memo.builders import drafted_memo


@pytest.fixture
def memo_id(app):
    """A drafted memo's id."""
    with app.app_context():
        return drafted_memo()


def squash(page):
    """The page's HTML with each run of whitespace as one space."""
    return re.sub(r"\s+", " ", page)


def _versions(app, memo_id):
    """The memo's stored version texts, oldest first."""
    with app.app_context():
        return [v.body for v in db.session.get(Memo, memo_id).versions]


def test_the_editor_shows_the_text_and_the_preview_hooks(app, memo_id, staff_client):
    page = staff_client("secretary").get(f"/staff/memos/{memo_id}/edit").get_data(as_text=True)
    assert "## 1. Budget 2027" in page  # the draft's Markdown in the textarea
    assert 'id="preview"' in page and 'data-preview-url="/staff/preview"' in page
    assert '<script src="/staff/static/editor.js" defer></script>' in page


def test_the_preview_script_is_served_as_a_static_file(app, staff_client):
    response = staff_client("secretary").get("/staff/static/editor.js")
    assert response.status_code == 200
    assert "X-CSRFToken" in response.get_data(as_text=True)
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]


def test_a_save_makes_a_new_version(app, memo_id, staff_client):
    client = staff_client("secretary")
    response = client.post(f"/staff/memos/{memo_id}/edit", data={"body": "# Memo\n\nNew notes.\n"})
    assert response.status_code == 302
    assert "Version 2 was saved." in client.get(response.headers["Location"]).get_data(as_text=True)
    texts = _versions(app, memo_id)
    assert len(texts) == 2 and texts[-1] == "# Memo\n\nNew notes."
    with app.app_context():
        assert db.session.get(Memo, memo_id).latest.author_name.startswith("Staff")


def test_an_unchanged_text_saves_no_version(app, memo_id, staff_client):
    body = _versions(app, memo_id)[0]
    client = staff_client("secretary")
    client.post(f"/staff/memos/{memo_id}/edit", data={"body": body})
    assert len(_versions(app, memo_id)) == 1


@pytest.mark.parametrize(("body", "message"), [
    ("   ", "This field is required."),
    ("x" * 500_001, "Use at most 500000 characters."),
])
def test_bad_text_is_shown_next_to_the_field_and_saves_nothing(app, memo_id, staff_client, body,
                                                               message):
    response = staff_client("secretary").post(f"/staff/memos/{memo_id}/edit", data={"body": body})
    page = squash(response.get_data(as_text=True))
    assert response.status_code == 422
    assert f'<p class="field-error" id="body-error"> {message}</p>' in page
    assert 'aria-invalid="true"' in page
    assert len(_versions(app, memo_id)) == 1


def test_the_preview_renders_markdown_without_html(app, staff_client):
    response = staff_client("secretary").post("/staff/preview", data={
        "body": "**bold** <script>alert(1)</script> [x](javascript:alert(1))"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>bold</strong>" in html
    assert "<script>" not in html and "&lt;script&gt;" in html  # HTML stays text
    assert 'href="javascript' not in html


def test_the_diff_shows_what_changed(app, memo_id, staff_client):
    client = staff_client("secretary")
    client.post(f"/staff/memos/{memo_id}/edit",
                data={"body": "# Memo\n\nWrite the discussion notes here.\n\nThe end."})
    client.post(f"/staff/memos/{memo_id}/edit",
                data={"body": "# Memo\n\nWe <b>agreed</b>.\n\nThe end."})
    page = client.get(f"/staff/memos/{memo_id}/diff?old=2&new=3").get_data(as_text=True)
    assert '<span class="diff-line">The end.</span>' in page
    assert '<del class="diff-line">Write the discussion notes here.</del>' in page
    assert '<ins class="diff-line">We &lt;b&gt;agreed&lt;/b&gt;.</ins>' in page
    assert client.get(f"/staff/memos/{memo_id}/diff?old=1&new=9").status_code == 404


def test_a_restore_makes_the_old_text_the_newest_version(app, memo_id, staff_client):
    client = staff_client("secretary")
    first = _versions(app, memo_id)[0]
    client.post(f"/staff/memos/{memo_id}/edit", data={"body": "Replaced."})
    response = client.post(f"/staff/memos/{memo_id}/versions/1/restore")
    assert response.status_code == 302
    with app.app_context():
        latest = db.session.get(Memo, memo_id).latest
        assert (latest.number, latest.restored_from, latest.body) == (3, 1, first)
        assert db.session.query(MemoVersion).count() == 3
    page = client.get(f"/staff/memos/{memo_id}/versions").get_data(as_text=True)
    assert "restored from version 1" in page
