"""Every save is a version; any two compare as an escaped line diff; an old one can be restored."""

import pytest

from services.memo import versions
from services.memo.errors import WrongState
from services.memo.models import Memo, MemoState, db
from shared.auth import Role
from tests.memo.builders import drafted_memo, staff


@pytest.fixture
def memo(ctx):
    """A drafted memo and a secretary: (memo, secretary)."""
    secretary = staff(Role.SECRETARY)
    return db.session.get(Memo, drafted_memo(secretary=secretary)), secretary


def test_every_save_is_a_new_version_with_its_author(memo):
    memo, secretary = memo
    versions.save_version(memo, "# Memo\n\nFirst notes.\n", secretary)
    versions.save_version(memo, "# Memo\n\nSecond notes.\n", secretary)
    db.session.commit()
    stored = db.session.get(Memo, memo.id)
    assert [v.number for v in stored.versions] == [1, 2, 3]
    assert stored.latest.body == "# Memo\n\nSecond notes.\n"
    assert stored.latest.author_name == secretary.name
    assert [h.action for h in stored.history] == ["drafted", "version_saved", "version_saved"]


def test_saving_the_same_text_makes_no_version(memo):
    memo, secretary = memo
    same = versions.save_version(memo, memo.latest.body, secretary)
    assert same.number == 1 and len(memo.versions) == 1


def test_the_diff_shows_removed_and_added_lines_escaped(memo):
    old = "# Memo\n\nKept line.\nOld <b>line</b> & more.\n"
    new = "# Memo\n\nKept line.\nNew <script>alert(1)</script> line.\n"
    assert versions.diff_lines(old, new) == [
        (" ", "# Memo"), (" ", ""), (" ", "Kept line."), ("-", "Old <b>line</b> & more."),
        ("+", "New <script>alert(1)</script> line.")]
    html = str(versions.diff_html(old, new))
    assert '<del class="diff-line">Old &lt;b&gt;line&lt;/b&gt; &amp; more.</del>' in html
    assert '<ins class="diff-line">New &lt;script&gt;alert(1)&lt;/script&gt; line.</ins>' in html
    assert "<script>" not in html and "<b>" not in html


def test_restore_makes_a_new_version_with_the_old_text(memo):
    memo, secretary = memo
    first = memo.latest.body
    versions.save_version(memo, "Rewritten.\n", secretary)
    restored = versions.restore(memo, 1, secretary)
    db.session.commit()
    assert restored.number == 3 and restored.body == first and restored.restored_from == 1
    assert [v.body for v in db.session.get(Memo, memo.id).versions] == [first, "Rewritten.\n", first]
    assert memo.history[-1].action == "restored"


def test_a_published_memo_takes_no_new_version(memo):
    memo, secretary = memo
    memo.state = MemoState.PUBLISHED
    with pytest.raises(WrongState):
        versions.save_version(memo, "Changed after publication.\n", secretary)
    assert len(memo.versions) == 1
