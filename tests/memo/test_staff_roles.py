"""Role checks on every memo staff page: each opens for its roles, 403s for others, and sends an
anonymous visitor to the login page with the page's whole path."""

import pytest

from shared.testing.fixtures import login_as
from tests.memo.builders import drafted_memo, working_group
from tests.registration.builders import english

#: (method, path, roles that may open it); {memo} is a memo id. Admins may open every page.
PAGES = [
    ("GET", "/staff/memos", {"secretary", "working_group"}),
    ("POST", "/staff/forums/999/memo", {"secretary"}),
    ("POST", "/staff/forums/memo", {"secretary"}),
    ("GET", "/staff/memos/{memo}", {"secretary", "working_group"}),
    ("POST", "/staff/memos/{memo}/submit", {"secretary"}),
    ("POST", "/staff/memos/{memo}/publish", {"secretary"}),
    ("POST", "/staff/memos/{memo}/correction", {"secretary"}),
    ("POST", "/staff/memos/{memo}/names", {"secretary"}),
    ("GET", "/staff/memos/{memo}/history", {"secretary", "working_group"}),
    ("GET", "/staff/memos/{memo}/edit", {"secretary"}),
    ("POST", "/staff/memos/{memo}/edit", {"secretary"}),
    ("POST", "/staff/preview", {"secretary"}),
    ("GET", "/staff/memos/{memo}/versions", {"secretary", "working_group"}),
    ("GET", "/staff/memos/{memo}/versions/1", {"secretary", "working_group"}),
    ("POST", "/staff/memos/{memo}/versions/1/restore", {"secretary"}),
    ("GET", "/staff/memos/{memo}/diff", {"secretary", "working_group"}),
    ("GET", "/staff/memos/{memo}/follow-ups", {"secretary"}),
    ("POST", "/staff/follow-ups/{follow_up}", {"secretary"}),
    ("GET", "/staff/reviews", {"working_group"}),
    ("GET", "/staff/memos/{memo}/review", {"working_group"}),
    ("POST", "/staff/memos/{memo}/review", {"working_group"}),
    ("GET", "/staff/group", set()),
    ("POST", "/staff/group/terms", set()),
    ("GET", "/staff/group/terms/{term}", set()),
    ("POST", "/staff/group/terms/{term}/members", set()),
    ("GET", "/staff/group/members/{member}", set()),
    ("POST", "/staff/group/members/{member}", set()),
    ("POST", "/staff/group/members/{member}/active", set()),
    ("GET", "/staff/recipients", set()),
    ("POST", "/staff/recipients", set()),
    ("POST", "/staff/recipients/1/remove", set()),
]
ROLES = ["secretary", "working_group", "moderator", "communications", "admin"]


@pytest.fixture
def ids(app):
    """The ids the paths name: a drafted memo, its first follow-up, a term and its member."""
    with app.app_context():
        from services.memo.models import CouncilTerm, FollowUp, GroupMember, db

        working_group(1)
        memo_id = drafted_memo()
        return {"memo": memo_id, "follow_up": db.session.query(FollowUp.id).first()[0],
                "term": db.session.query(CouncilTerm.id).first()[0],
                "member": db.session.query(GroupMember.id).first()[0]}


def _call(client, method, path, ids):
    """Open a page with an empty form."""
    return client.open(path.format(**ids), method=method, data={})


@pytest.mark.parametrize(("method", "path", "allowed"), PAGES)
def test_every_staff_page_checks_the_role(app, ids, method, path, allowed):
    anonymous = _call(app.test_client(), method, path, ids)
    assert anonymous.status_code == 302
    assert anonymous.headers["Location"] == "/staff/login?next=" + path.format(**ids)
    for role in ROLES:
        client = english(app)
        login_as(app, client, role)
        status = _call(client, method, path, ids).status_code
        if role in allowed or role == "admin":
            assert status not in (401, 403), (role, status)
        else:
            assert status == 403, (role, status)


@pytest.mark.parametrize(("path", "role", "heading"), [
    ("/staff/memos", "secretary", "<h1>Memos</h1>"),
    ("/staff/memos/{memo}", "secretary", "<h1>Memo: Autumn provider forum</h1>"),
    ("/staff/memos/{memo}/edit", "secretary", "<h1>Edit the memo</h1>"),
    ("/staff/memos/{memo}/versions", "working_group", "<h1>Versions of the memo</h1>"),
    ("/staff/memos/{memo}/follow-ups", "secretary", "<h1>Follow-ups</h1>"),
    ("/staff/memos/{memo}/history", "secretary", "<h1>History of the memo</h1>"),
    ("/staff/reviews", "working_group", "<h1>Review queue</h1>"),
    ("/staff/memos/{memo}/review", "working_group", "<h1>Review the memo: Autumn provider forum"),
    ("/staff/group", "admin", "<h1>Working group</h1>"),
    ("/staff/group/terms/{term}", "admin", "<h2>Composition</h2>"),
    ("/staff/group/members/{member}", "admin", "<h1>Edit Member 00</h1>"),
    ("/staff/recipients", "admin", "<h1>Memo recipients</h1>"),
])
def test_each_page_renders_for_its_role(app, ids, path, role, heading):
    client = english(app)
    login_as(app, client, role)
    response = client.get(path.format(**ids))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert heading in page
    assert "<script>" not in page and " style=" not in page  # the strict CSP: nothing inline
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize(("lang", "heading"), [
    ("fi", "<h1>Tarkistusjono</h1>"), ("sv", "<h1>Granskningskö</h1>"), ("en", "<h1>Review queue</h1>")])
def test_the_pages_speak_finnish_swedish_and_english(app, lang, heading):
    client = app.test_client()
    login_as(app, client, "working_group")
    page = client.get(f"/staff/reviews?lang={lang}").get_data(as_text=True)
    assert heading in page and f'<html lang="{lang}">' in page
