"""The secretary's forum pages: topic windows (never before the floor) and the comment exports."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from services.feedback.models import CommentStatus, Topic, db
from shared.db import utcnow
from shared.localtime import to_local_input
from shared.testing.fixtures import login_as
from tests.registration.builders import english, fast_passwords  # noqa: F401 - a fixture


@pytest.fixture
def secretary(staff_client):
    """A secretary's client, reading English."""
    return staff_client("secretary")


@pytest.fixture
def forum(create_forum, create_comment):
    """An open forum's two topics with comments in every state; returns the topic ids."""
    first, second = create_forum()
    old = utcnow() - dt.timedelta(hours=5)
    parent = create_comment(first, body="=cmd|'/c calc'!A1", organisation="Hoiva Oy",
                            business_id="1572860-0", approved_at=old)
    create_comment(first, parent_id=parent, body="A reply", author_name="Replier",
                   organisation="Apu ry", on_behalf_of_organisation=True)
    create_comment(second, body="Second topic's comment", organisation="Koti Oy")
    for status in (CommentStatus.PENDING, CommentStatus.REJECTED, CommentStatus.HIDDEN,
                   CommentStatus.UNCONFIRMED):
        create_comment(first, status=status, body=f"secret {status.value}")
    return first, second


def closes_at(app, topic_id):
    """The topic's stored close time."""
    with app.app_context():
        return db.session.get(Topic, topic_id).closes_at


def test_the_page_lists_topics_with_counts_and_links(secretary, forum):
    page = secretary.get("/staff/forums").get_data(as_text=True)
    assert "Autumn provider forum" in page and "Item 1" in page and "Item 2" in page
    assert f"/staff/topics/{forum[0]}/comments.xlsx" in page and "/staff/forums/1/comments.csv" in page


def test_the_forum_csv_has_approved_comments_only_replies_after_their_parent(secretary, forum):
    response = secretary.get("/staff/forums/1/comments.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="comments-forum-1.csv"' in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff") and "secret" not in text and "@example.fi" not in text
    rows = list(csv.reader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert rows[0][:3] == ["Topic", "Comment", "Reply to"]
    assert [row[0] for row in rows[1:]] == ["Item 1", "Item 1", "Item 2"]
    assert rows[1][-1] == "'=cmd|'/c calc'!A1" and rows[1][6] == "1572860-0"
    assert rows[2][2] == rows[1][1] and rows[2][7] == "Yes"


def test_the_topic_xlsx_reads_back(secretary, forum):
    response = secretary.get(f"/staff/topics/{forum[1]}/comments.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.data)).active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert sheet.title == "Item 2" and len(values) == 2
    assert values[1][5] == "Koti Oy" and values[1][-1] == "Second topic's comment"


@pytest.mark.parametrize("path", ["/staff/forums/1/comments.pdf", "/staff/forums/99/comments.csv",
                                  "/staff/topics/999/comments.xlsx"])
def test_unknown_formats_and_ids_are_404(secretary, forum, path):
    assert secretary.get(path).status_code == 404


def test_the_secretary_moves_a_window_later(app, secretary, forum):
    later = closes_at(app, forum[0]) + dt.timedelta(days=10)
    with app.app_context():
        value = to_local_input(later)
    response = secretary.post(f"/staff/topics/{forum[0]}/window", data={"closes_at": value})
    assert response.status_code == 302
    assert closes_at(app, forum[0]) == later.replace(second=0, microsecond=0)


@pytest.mark.parametrize("value, message", [
    ("2020-01-01T10:00", "The window may not close before"),
    ("", "Enter a date and time"),
    ("tomorrow", "Enter a date and time"),
    ("2026-13-45T99:00", "Enter a date and time"),
    ("<script>alert(1)</script>", "Enter a date and time"),
])
def test_a_bad_or_too_early_close_time_is_refused_next_to_its_field(app, secretary, forum, value,
                                                                    message):
    before = closes_at(app, forum[0])
    response = secretary.post(f"/staff/topics/{forum[0]}/window", data={"closes_at": value})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and message in page
    assert f'id="closes_at-{forum[0]}-error"' in page and "<script>alert" not in page
    assert closes_at(app, forum[0]) == before


def test_a_window_for_an_unknown_topic_is_404(secretary, forum):
    assert secretary.post("/staff/topics/999/window", data={"closes_at": "2030-01-01T10:00"}
                          ).status_code == 404


@pytest.mark.parametrize("roles", [(), ("moderator",), ("communications",), ("working_group",)])
def test_the_public_and_other_roles_are_refused(app, forum, roles):
    client = english(app)
    if roles:
        login_as(app, client, *roles)
    for method, path in [("get", "/staff/forums"), ("get", "/staff/forums/1/comments.csv"),
                         ("get", f"/staff/topics/{forum[0]}/comments.xlsx"),
                         ("post", f"/staff/topics/{forum[0]}/window")]:
        response = getattr(client, method)(path, data={"closes_at": "2040-01-01T10:00"})
        assert response.status_code in ((302,) if not roles else (403,)), (path, roles)
