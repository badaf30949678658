"""The public side of a published memo: the list, the page, corrections and follow-ups."""

import datetime as dt
import re

import pytest

from services.memo import followups
from services.memo.models import FollowUp, db
from tests.memo.builders import drafted_memo, staff
from tests.memo.published import corrected, published_memo
from tests.registration.builders import english


@pytest.fixture
def published(ctx):
    """(memo id, publication id, secretary, approvers) of a published memo."""
    return published_memo()


def test_the_index_lists_published_memos(app, published):
    memo_id, _publication_id, _secretary, _members = published
    page = english(app).get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="/memos/{memo_id}" lang="fi">Autumn provider forum</a>' in html
    assert "No memos have been published yet." not in html


def test_the_index_says_when_nothing_is_published(app, ctx):
    html = english(app).get("/").get_data(as_text=True)
    assert "No memos have been published yet." in html


def test_the_page_shows_the_text_approvals_follow_ups_and_pdf_link(app, published):
    memo_id, publication_id, _secretary, _members = published
    page = english(app).get(f"/memos/{memo_id}")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert '<article class="memo" lang="fi">' in html  # the memo's language, inside the site's
    assert '<html lang="en">' in html
    for title in ("Budget 2027", "Procurement plan"):
        assert f'<th scope="row">{title}</th>' in html
    for name in ("Member 00", "Member 01"):  # the two who approved, the third did not
        assert f'<th scope="row">{name}</th>' in html
    assert "Member 02" not in html
    assert f'href="http://localhost/memo/memos/{memo_id}/publications/{publication_id}.pdf"' in html
    assert 'scope="col"' in html and "<caption>" in html
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert '<h2 id="memo-approval-heading">Hyväksyntä</h2>' in html  # labels in the memo's language
    assert '<h2 id="memo-follow-up-heading">Seuranta</h2>' in html


def test_an_unpublished_memo_and_an_unknown_publication_are_not_found(app, ctx):
    memo_id = drafted_memo()
    client = english(app)
    assert client.get(f"/memos/{memo_id}").status_code == 404
    assert client.get(f"/memos/{memo_id}.pdf").status_code == 404
    assert client.get("/memos/999").status_code == 404


def test_a_correction_is_marked_and_links_the_earlier_publication(app, published):
    memo_id, first_id, secretary, members = published
    second_id = corrected(memo_id, secretary, members)
    client = english(app)
    html = client.get(f"/memos/{memo_id}").get_data(as_text=True)
    assert "The corrected text." in html
    assert 'class="notice"' in html
    assert f'href="http://localhost/memo/memos/{memo_id}/publications/{first_id}"' in html
    earlier = client.get(f"/memos/{memo_id}/publications/{first_id}").get_data(as_text=True)
    assert "The corrected text." not in earlier and "Budget 2027" in earlier
    assert f'href="http://localhost/memo/memos/{memo_id}"' in earlier
    assert client.get(f"/memos/{memo_id}/publications/{second_id + 100}").status_code == 404
    index = client.get("/").get_data(as_text=True)
    assert 'class="badge"' in index


def test_follow_ups_updated_after_publication_show_on_the_page(app, published):
    memo_id, _publication_id, secretary, _members = published
    with app.app_context():
        follow_up = db.session.query(FollowUp).filter_by(memo_id=memo_id).first()
        followups.update(follow_up, {"handling_body": "Regional government",
                                     "handled_on": dt.date(2027, 1, 20),
                                     "outcome": "Budget approved",
                                     "decision_url": "https://county.example/decisions/7"},
                         staff("secretary"))
        db.session.commit()
    html = english(app).get(f"/memos/{memo_id}").get_data(as_text=True)
    assert "Regional government" in html and "Budget approved" in html
    assert 'href="https://county.example/decisions/7"' in html
    assert "memo-updates" in html
