"""The public pages: topic list, topic page, the comment, reply and report forms, the confirm link."""

import datetime as dt
import re

import pytest
import sqlalchemy as sa

from services.feedback.models import Comment, CommentStatus, Report, db
from shared.db import utcnow
from tests.feedback.builders import agenda_item

EN = {"Accept-Language": "en"}
FORM = {"name": "Maija Meikäläinen", "organisation": "Hoiva Oy", "email": "Maija@Example.fi",
        "text": "More home care, please.", "business_id": "", "website": ""}


def text_of(response):
    """The page's text with tags removed and whitespace collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True)).split())


def stored(app):
    """[(status, parent_id, body)] of every comment."""
    with app.app_context():
        return [(c.status, c.parent_id, c.body)
                for c in db.session.scalars(sa.select(Comment).order_by(Comment.id))]



@pytest.fixture
def closed_topic(create_forum):
    """A topic whose window closed (the forum ended 30 days ago)."""
    past = utcnow() - dt.timedelta(days=30)
    return create_forum(event_id=2, starts_at=past, ends_at=past + dt.timedelta(hours=3),
                        agenda=[agenda_item(21, 1, "Closed topic")])[0]


# -- reading


def test_index_lists_forums_and_live_topics_with_counts(client, create_forum, create_comment):
    topic, withdrawn = create_forum(agenda=[agenda_item(1, title="Budget 2027"),
                                            agenda_item(2, title="Gone")])
    create_forum(agenda=[agenda_item(1, title="Budget 2027")])  # item 2 withdrawn
    create_comment(topic)
    create_comment(topic, status=CommentStatus.PENDING)
    page = text_of(client.get("/", headers=EN))
    assert "Autumn provider forum" in page and "Budget 2027" in page and "Gone" not in page
    assert "1 comment" in page and "open for comments until" in page


def test_topic_page_shows_background_and_only_approved_comments(
        client, topic_id, create_comment):
    shown = create_comment(topic_id, body="Visible *point*", organisation="Hoiva Oy",
                           on_behalf_of_organisation=True)
    create_comment(topic_id, parent_id=shown, body="Approved reply", author_name="Pekka")
    create_comment(topic_id, parent_id=shown, body="Pending reply", status=CommentStatus.PENDING)
    for status in (CommentStatus.UNCONFIRMED, CommentStatus.PENDING, CommentStatus.REJECTED,
                   CommentStatus.HIDDEN, CommentStatus.EXPIRED):
        create_comment(topic_id, status=status, body=f"Secret {status.value}")
    hidden = create_comment(topic_id, status=CommentStatus.HIDDEN, body="Hidden parent")
    create_comment(topic_id, parent_id=hidden, body="Reply under hidden")

    response = client.get(f"/topics/{topic_id}", headers=EN)

    html, page = response.get_data(as_text=True), text_of(response)
    assert response.status_code == 200
    assert "Item 1" in page and "About item 1." in page and "Presenter: Finance director" in page
    assert 'href="http://localhost/registration/materials/1"' in html
    assert "<em>point</em>" in html and "Approved reply" in html
    assert "Maija Meikäläinen , Hoiva Oy (on behalf of the organisation)" in page
    assert "Comments (2)" in page
    for secret in ("Secret", "Pending reply", "Hidden parent", "Reply under hidden",
                   "maija@example.fi"):
        assert secret not in page, secret
    assert "Write a comment" in page and f'action="/topics/{topic_id}/comments"' in html
    assert f'href="/comments/{shown}/reply"' in html and f'href="/comments/{shown}/report"' in html
    assert "<form" not in html.split('id="comments"')[1].split('id="comment"')[0]  # no form a comment


def test_a_comment_has_its_own_reply_and_report_pages(client, topic_id, create_comment):
    comment = create_comment(topic_id, body="A *point*")
    reply = client.get(f"/comments/{comment}/reply", headers=EN)
    report = client.get(f"/comments/{comment}/report", headers=EN)
    assert reply.status_code == report.status_code == 200
    assert f'action="/comments/{comment}/replies"' in reply.get_data(as_text=True)
    assert f'action="/comments/{comment}/reports"' in report.get_data(as_text=True)
    for response in (reply, report):
        assert "<em>point</em>" in response.get_data(as_text=True)
    assert client.get("/comments/999/reply").status_code == 404
    assert client.get("/comments/999/report").status_code == 404


def test_a_closed_topic_shows_comments_and_says_when_it_closed(client, closed_topic,
                                                               create_comment):
    create_comment(closed_topic, body="Said in time")
    response = client.get(f"/topics/{closed_topic}", headers=EN)
    html, page = response.get_data(as_text=True), text_of(response)
    assert "Said in time" in page
    assert re.search(r"Comments closed on \w+ \d+, \d{4}", page)
    assert "/comments\"" not in html and "/reply\"" not in html
    assert "/report\"" in html  # a visible comment can still be reported
    comment = re.search(r'href="/comments/(\d+)/report"', html).group(1)
    assert client.get(f"/comments/{comment}/reply").status_code == 404


def test_unknown_and_withdrawn_topics_are_not_found(client, create_forum):
    _, withdrawn = create_forum()
    create_forum(agenda=[agenda_item(1)])
    assert client.get("/topics/999").status_code == 404
    assert client.get(f"/topics/{withdrawn}").status_code == 404


# -- commenting


def test_a_comment_is_taken_and_the_page_says_what_happens_next(app, client, topic_id, outbox):
    response = client.post(f"/topics/{topic_id}/comments", data=FORM, headers=EN)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/topics/{topic_id}#comment"
    page = text_of(client.get(response.headers["Location"], headers=EN))
    assert "We have emailed you a link to confirm your comment" in page
    assert "More home care" not in page  # not public before confirmation and moderation
    assert stored(app) == [(CommentStatus.UNCONFIRMED, None, "More home care, please.")]
    [email] = outbox("notify.send_email")
    assert (email["to"], email["locale"]) == ("maija@example.fi", "en")


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"name": "  "}, "name", "This field is required."),
    ({"email": "not-an-address"}, "email", "Enter a valid email address."),
    ({"text": ""}, "text", "This field is required."),
    ({"text": "x" * 5001}, "text", "Use at most 5000 characters."),
    ({"organisation": "o" * 201}, "organisation", "Use at most 200 characters."),
    ({"business_id": "1234567-2"}, "business_id", "Enter a valid business ID"),
    ({"text": "nul\x00byte"}, "text", "characters that are not allowed"),
    ({"text": "bell\x07"}, "text", "characters that are not allowed"),
    ({"name": "Maija\r\nBcc: x@example.fi"}, "name", "Write this on one line."),
    ({"organisation": "Firma\tOy"}, "organisation", "characters that are not allowed"),
])
def test_bad_input_is_shown_next_to_the_field_and_nothing_is_stored(
        client, topic_id, count_rows, changes, field, message):
    response = client.post(f"/topics/{topic_id}/comments", data={**FORM, **changes}, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'<p class="field-error" id="comment-{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1)
    assert f'id="comment-{field}"' in html and 'aria-invalid="true"' in html
    assert count_rows() == (0, 0, 0)


def test_errors_are_in_the_users_language(client, topic_id):
    response = client.post(f"/topics/{topic_id}/comments", data={**FORM, "name": ""},
                           headers={"Accept-Language": "fi"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert '<html lang="fi">' in html and 'id="comment-name-error"' in html


def test_the_honeypot_stores_nothing(client, topic_id, count_rows):
    response = client.post(f"/topics/{topic_id}/comments", data={**FORM, "website": "spam"})
    assert response.status_code == 302
    assert count_rows() == (0, 0, 0)


def test_a_closed_topic_takes_no_comment(client, closed_topic, count_rows):
    response = client.post(f"/topics/{closed_topic}/comments", data=FORM, headers=EN)
    assert response.status_code == 409
    assert "Comments closed on" in text_of(response)
    assert count_rows() == (0, 0, 0)


def test_forms_need_the_csrf_token(make_app, create_forum, count_rows):
    client = make_app("feedback", WTF_CSRF_ENABLED=True).test_client()
    response = client.post(f"/topics/{create_forum()[0]}/comments", data=FORM)
    assert response.status_code == 400
    assert count_rows() == (0, 0, 0)


def test_an_oversized_body_is_refused(make_app, create_forum, count_rows):
    client = make_app("feedback", FORM_MAX_BYTES=10_000).test_client()
    response = client.post(f"/topics/{create_forum()[0]}/comments",
                           data={**FORM, "text": "x" * 20_000})
    assert response.status_code == 413
    assert count_rows() == (0, 0, 0)


# -- replies


def test_a_reply_is_taken_under_an_approved_comment(app, client, topic_id, create_comment):
    parent = create_comment(topic_id)
    response = client.post(f"/comments/{parent}/replies", data={**FORM, "text": "Agreed."})
    assert response.status_code == 302
    assert response.headers["Location"] == f"/topics/{topic_id}#comment-{parent}"
    assert stored(app)[-1] == (CommentStatus.UNCONFIRMED, parent, "Agreed.")


def test_a_bad_reply_reopens_its_own_form_with_errors(client, topic_id, create_comment,
                                                      count_rows):
    parent = create_comment(topic_id)
    before = count_rows()
    response = client.post(f"/comments/{parent}/replies", data={**FORM, "text": ""}, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'<form method="post" action="/comments/{parent}/replies"' in html
    assert "Reply to a comment" in html
    assert f'id="reply-{parent}-text-error"' in html and 'id="comment-text-error"' not in html
    assert count_rows() == before


@pytest.mark.parametrize("status", [CommentStatus.PENDING, CommentStatus.HIDDEN])
def test_no_reply_to_a_comment_that_is_not_public(client, topic_id, create_comment, status,
                                                  count_rows):
    parent = create_comment(topic_id, status=status)
    before = count_rows()
    assert client.post(f"/comments/{parent}/replies", data=FORM).status_code == 404
    assert client.post("/comments/999/replies", data=FORM).status_code == 404
    assert count_rows() == before


# -- reports


def test_a_visible_comment_is_reported(app, client, topic_id, create_comment):
    comment = create_comment(topic_id)
    response = client.post(f"/comments/{comment}/reports",
                           data={"reason": "spam", "details": ""}, headers=EN)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/topics/{topic_id}#comment-{comment}"
    assert "A moderator will look at the comment." in text_of(
        client.get(response.headers["Location"], headers=EN))
    with app.app_context():
        assert [(r.comment_id, r.reason) for r in db.session.scalars(sa.select(Report))] == [
            (comment, "spam")]


@pytest.mark.parametrize(("data", "field", "message"), [
    ({}, "reason", "Choose a reason."),
    ({"reason": "rude"}, "reason", "Choose a reason."),
    ({"reason": "other", "details": "  "}, "details", "Tell us what is wrong"),
    ({"reason": "spam", "details": "d" * 2001}, "details", "Use at most 2000 characters."),
    ({"reason": "spam", "details": "line one\r\n\x00"}, "details", "characters that are not allowed"),
])
def test_a_bad_report_is_refused_next_to_its_field(client, topic_id, create_comment,
                                                   count_rows, data, field, message):
    comment = create_comment(topic_id)
    before = count_rows()
    response = client.post(f"/comments/{comment}/reports", data=data, headers=EN)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    error = re.search(rf'id="report-{comment}-{field}-error">([^<]*)<', html)
    assert error and message in error.group(1)
    assert count_rows() == before


def test_a_hidden_comment_cannot_be_reported(client, topic_id, create_comment, count_rows):
    comment = create_comment(topic_id, status=CommentStatus.HIDDEN)
    before = count_rows()
    assert client.post(f"/comments/{comment}/reports", data={"reason": "spam"}).status_code == 404
    assert count_rows() == before


# -- the confirm link


def test_the_confirm_link_shows_a_page_and_only_post_confirms(app, client, topic_id,
                                                             confirm_path):
    client.post(f"/topics/{topic_id}/comments", data=FORM)
    path = confirm_path()

    page = client.get(path, headers=EN)
    assert page.status_code == 200 and "Confirm and send to moderation" in text_of(page)
    assert stored(app)[0][0] == CommentStatus.UNCONFIRMED  # a mail scanner changes nothing

    done = client.post(path, headers=EN)
    assert done.status_code == 200
    assert "Your comment now waits for moderation" in text_of(done)
    assert stored(app)[0][0] == CommentStatus.PENDING

    again = client.post(path, headers=EN)  # a double click or a reload
    assert again.status_code == 200 and "waits for moderation" in text_of(again)
    assert "Confirm and send" not in text_of(again)
    assert stored(app)[0][0] == CommentStatus.PENDING


def test_a_bad_confirm_link_says_so(client, topic_id, confirm_path):
    client.post(f"/topics/{topic_id}/comments", data=FORM)
    response = client.get(confirm_path()[:-3] + "abc", headers=EN)
    assert response.status_code == 404 and "The link is not valid" in text_of(response)
    assert client.post("/confirm/nonsense", headers=EN).status_code == 404


def test_an_expired_confirm_link_says_so(make_app, create_forum, confirm_path):
    client = make_app("feedback", COMMENT_CONFIRM_HOURS=-1).test_client()
    client.post(f"/topics/{create_forum()[0]}/comments", data=FORM)
    response = client.post(confirm_path(), headers=EN)
    assert response.status_code == 410 and "The link has expired" in text_of(response)


def test_an_expired_comment_cannot_be_confirmed_from_its_page(app, client, topic_id,
                                                              confirm_path):
    client.post(f"/topics/{topic_id}/comments", data=FORM)
    with app.app_context():
        db.session.execute(sa.update(Comment).values(status=CommentStatus.EXPIRED))
        db.session.commit()
    response = client.post(confirm_path(), headers=EN)
    assert "The comment has expired" in text_of(response)
    assert stored(app)[0][0] == CommentStatus.EXPIRED


def test_the_index_states_the_comment_window_of_the_policy_setting(make_app):
    app = make_app("feedback", POLICY_COMMENT_WINDOW_MIN_DAYS=9)
    text = app.test_client().get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "for at least 9 days." in text
