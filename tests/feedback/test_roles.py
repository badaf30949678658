"""Every moderation route refuses the public and the wrong roles (enumerated from the URL map)."""

import pytest

from services.feedback.models import CommentStatus
from shared.testing.fixtures import login_as
from tests.feedback.moderating import comment, decisions
from tests.registration.builders import english, fast_passwords  # noqa: F401 - a fixture

MODERATION_BLUEPRINTS = ("feedback_staff.", "feedback_moderation_api.")
WRONG_ROLES = ("secretary", "communications", "working_group")



def moderation_routes(app, comment_id):
    """(method, path, is_api) of every moderation route; the guard must come before the input."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith(MODERATION_BLUEPRINTS):
            continue
        path = rule.rule.replace("<int:comment_id>", str(comment_id))
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, path, rule.endpoint.startswith("feedback_moderation_api.")))
    return routes


def call(client, method, path, is_api, comment_id):
    """Request a route with input that would decide the comment if it were let through."""
    if method == "GET":
        return client.get(path)
    if is_api:
        return client.post(path, json={"action": "approve", "comment_ids": [comment_id]})
    return client.post(path, data={"action": "approve", "comment_id": str(comment_id)})


@pytest.fixture
def pending(create_forum, create_comment):
    """A pending comment's id."""
    return create_comment(create_forum()[0], status=CommentStatus.PENDING)


def test_there_are_moderation_routes_to_check(app, pending):
    endpoints = {path for _, path, _ in moderation_routes(app, pending)}
    assert {"/staff/moderation", "/staff/moderation/bulk", f"/staff/comments/{pending}",
            f"/staff/comments/{pending}/decision", "/staff/audit", "/api/v1/moderation/queue",
            f"/api/v1/moderation/comments/{pending}/decision",
            "/api/v1/moderation/decisions"} <= endpoints


def test_the_public_goes_to_the_login_page_or_gets_401(app, pending):
    anonymous = english(app)
    for method, path, is_api in moderation_routes(app, pending):
        response = call(anonymous, method, path, is_api, pending)
        if is_api:
            assert response.status_code == 401, (method, path)
            assert response.is_json and response.json["code"] == 401
        else:
            assert response.status_code == 302, (method, path)
            assert "/staff/login" in response.headers["Location"], (method, path)
    assert comment(app, pending).status == CommentStatus.PENDING and decisions(app) == []


@pytest.mark.parametrize("role", WRONG_ROLES)
def test_the_wrong_roles_get_403(app, pending, role):
    client = english(app)
    login_as(app, client, role)
    for method, path, is_api in moderation_routes(app, pending):
        assert call(client, method, path, is_api, pending).status_code == 403, (role, method, path)
    assert comment(app, pending).status == CommentStatus.PENDING and decisions(app) == []


@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_moderators_and_admins_get_through(app, pending, role):
    client = english(app)
    login_as(app, client, role)
    for method, path, _is_api in moderation_routes(app, pending):
        if method != "GET":
            continue
        expected = 403 if (path == "/staff/audit" and role == "moderator") else 200
        assert client.get(path).status_code == expected, (role, path)
    response = client.post(f"/api/v1/moderation/comments/{pending}/decision",
                           json={"action": "approve"})
    assert response.status_code == 200 and comment(app, pending).status == CommentStatus.APPROVED
