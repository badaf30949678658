"""The header's staff menu shows each role the pages it may open, and the public nothing."""

import pytest

from shared.testing.fixtures import login_as
from tests.registration.builders import english, fast_passwords  # noqa: F401 - a fixture

LINKS = {
    "secretary": ("/registration/staff/events", "/feedback/staff/forums", "/memo/staff/memos"),
    "moderator": ("/feedback/staff/moderation",),
    "working_group": ("/memo/staff/reviews",),
    "communications": ("/notify/staff/campaigns",),
}


@pytest.mark.parametrize("role", ["secretary", "moderator", "communications", "working_group",
                                  "admin"])
def test_each_role_sees_its_own_staff_links(make_app, role, fast_passwords):  # noqa: F811
    app = make_app("feedback")
    client = english(app)
    login_as(app, client, role)
    page = client.get("/").get_data(as_text=True)
    assert 'aria-label="Staff menu"' in page
    for owner, paths in LINKS.items():
        for path in paths:
            assert (f'href="{path}"' in page) == (role in (owner, "admin")), path


def test_the_public_sees_no_staff_menu(make_app):
    page = english(make_app("feedback")).get("/").get_data(as_text=True)
    assert "Staff menu" not in page and "/staff/moderation" not in page
