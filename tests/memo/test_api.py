"""The memo JSON API: role checks on every route, the public memo, the error format."""

import pytest

from services.memo import publishing, review
from services.memo.models import Memo, db
from shared.auth import Role
from shared.testing.fixtures import login_as
from tests.memo.builders import drafted_memo, staff, working_group
from tests.registration.builders import english

#: (method, path, roles that may call it); {memo} is a memo id. Admins may call every route.
STAFF_ROUTES = [
    ("GET", "/api/v1/staff/memos", {"secretary", "working_group"}),
    ("POST", "/api/v1/staff/forums/999/memo", {"secretary"}),
    ("GET", "/api/v1/staff/memos/{memo}", {"secretary", "working_group"}),
    ("POST", "/api/v1/staff/memos/{memo}/versions", {"secretary"}),
    ("GET", "/api/v1/staff/memos/{memo}/versions/1", {"secretary", "working_group"}),
    ("POST", "/api/v1/staff/memos/{memo}/versions/1/restore", {"secretary"}),
    ("GET", "/api/v1/staff/memos/{memo}/diff", {"secretary", "working_group"}),
    ("POST", "/api/v1/staff/memos/{memo}/review", {"secretary"}),
    ("GET", "/api/v1/staff/memos/{memo}/rounds", {"secretary", "working_group"}),
    ("POST", "/api/v1/staff/memos/{memo}/sign-offs", {"working_group"}),
    ("POST", "/api/v1/staff/memos/{memo}/publication", {"secretary"}),
    ("POST", "/api/v1/staff/memos/{memo}/correction", {"secretary"}),
    ("GET", "/api/v1/staff/memos/{memo}/history", {"secretary", "working_group"}),
    ("PATCH", "/api/v1/staff/follow-ups/1", {"secretary"}),
    ("GET", "/api/v1/admin/terms", set()),
    ("POST", "/api/v1/admin/terms", set()),
    ("POST", "/api/v1/admin/terms/1/members", set()),
    ("PATCH", "/api/v1/admin/members/1", set()),
    ("GET", "/api/v1/admin/recipients", set()),
    ("POST", "/api/v1/admin/recipients", set()),
    ("PATCH", "/api/v1/admin/recipients/1", set()),
]
ROLES = ["secretary", "working_group", "moderator", "communications", "admin"]


@pytest.fixture
def memo_id(app):
    """A drafted memo's id."""
    with app.app_context():
        return drafted_memo()


def _call(client, method, path, memo_id):
    """Call a route with an empty JSON body."""
    return client.open(path.format(memo=memo_id), method=method, json={})


@pytest.mark.parametrize(("method", "path", "allowed"), STAFF_ROUTES)
def test_every_staff_route_checks_the_role(app, memo_id, method, path, allowed):
    assert _call(app.test_client(), method, path, memo_id).status_code == 401
    for role in ROLES:
        client = english(app)
        login_as(app, client, role)
        status = _call(client, method, path, memo_id).status_code
        if role in allowed or role == "admin":
            assert status != 403 and status != 401, (role, status)
        else:
            assert status == 403, (role, status)


def test_the_openapi_document_lists_every_route(app):
    paths = app.test_client().get("/api/v1/openapi.json").get_json()["paths"]
    for _method, path, _roles in STAFF_ROUTES:
        template = path.replace("{memo}", "{memo_id}").replace("/999/", "/{forum_id}/")
        assert any(p.split("/")[:5] == template.split("/")[:5] for p in paths), path
    assert "/api/v1/memos/{memo_id}" in paths


def test_bad_input_gets_field_errors_and_changes_nothing(app, memo_id, staff_client):
    client = staff_client("secretary")
    response = client.post(f"/api/v1/staff/memos/{memo_id}/versions", json={"body": ""})
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"body": ["This field is required."]}
    assert len(client.get(f"/api/v1/staff/memos/{memo_id}").get_json()["versions"]) == 1


def test_an_unpublished_memo_is_not_public(app, memo_id):
    client = app.test_client()
    assert client.get(f"/api/v1/memos/{memo_id}").status_code == 404
    assert client.get("/api/v1/memos").get_json() == []


def test_the_review_flow_over_the_api_and_the_public_memo(app, memo_id, staff_client):
    with app.app_context():
        members = working_group(3)
    secretary = staff_client("secretary")
    saved = secretary.post(f"/api/v1/staff/memos/{memo_id}/versions",
                           json={"body": "# Memo\n\nNotes <script>x</script>.\n"})
    assert saved.status_code == 201 and saved.get_json()["number"] == 2
    diff = secretary.get(f"/api/v1/staff/memos/{memo_id}/diff").get_json()
    assert (diff["old"], diff["new"]) == (1, 2) and "&lt;script&gt;" in diff["html"]
    assert secretary.post(f"/api/v1/staff/memos/{memo_id}/review").status_code == 201
    for user in members[:2]:
        client = english(app)
        assert client.post("/staff/login", data={"email": user.email, "password": "pw"}
                           ).status_code == 302
        answer = client.post(f"/api/v1/staff/memos/{memo_id}/sign-offs",
                             json={"decision": "approve"})
        assert answer.status_code == 201, answer.get_json()
    assert secretary.post(f"/api/v1/staff/memos/{memo_id}/publication").status_code == 201
    public = app.test_client().get(f"/api/v1/memos/{memo_id}").get_json()
    assert public["state"] == "published"
    assert "<script>" not in public["body_html"]
    assert [a["member"] for a in public["approvals"]] == ["Member 00", "Member 01"]
    assert [f["agenda_item"] for f in public["follow_ups"]] == ["Budget 2027", "Procurement plan"]
    assert "@" not in str(public)  # no email address is public


def test_a_member_of_no_term_is_refused_with_a_message(app, memo_id, staff_client):
    with app.app_context():
        working_group(2)
        secretary = staff(Role.SECRETARY)
        review.submit_for_review(db.session.get(Memo, memo_id), secretary)
        db.session.commit()
    outsider = staff_client("working_group")
    answer = outsider.post(f"/api/v1/staff/memos/{memo_id}/sign-offs", json={"decision": "approve"})
    assert answer.status_code == 403
    assert answer.get_json()["message"] == (
        "Only members of the working group of the current term can sign off.")
    with app.app_context():
        assert publishing.approved_round(db.session.get(Memo, memo_id)) is None
