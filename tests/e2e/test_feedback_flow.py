"""A provider comments, confirms by the emailed link, a moderator approves, the public sees it."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from foorumi.demo import DEMO_STAFF
from tests.e2e.test_registration_flow import _open_latest_email

pytestmark = pytest.mark.e2e
LOGINS = {role: (email, password) for role, email, _name, password in DEMO_STAFF}


def _open_topic_with_open_window(page, base):
    """From the feedback index to a topic that takes comments."""
    page.goto(f"{base}/feedback/?lang=en")
    page.locator("li:has-text('open for comments') a[href*='/feedback/topics/']").first.click()
    page.wait_for_url(re.compile(r"/feedback/topics/\d+$"))


def _log_in(page, base, role="moderator"):
    """A demo staff login, landing on the moderation queue."""
    page.goto(f"{base}/feedback/staff/login?lang=en")
    page.fill("[name=email]", LOGINS[role][0])
    page.fill("[name=password]", LOGINS[role][1])
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    page.goto(f"{base}/feedback/staff/moderation")


def test_comment_confirm_approve_and_see_it_published(browser, page, suite_url, axe):
    email = f"commenter-{uuid.uuid4().hex[:8]}@example.fi"
    text = f"Browser comment {uuid.uuid4().hex[:6]}: please publish the follow-up figures."
    _open_topic_with_open_window(page, suite_url)
    topic_url = page.url
    axe(page)
    page.fill("#comment-name", "Kaija Kommentoija")
    page.fill("#comment-organisation", "Selainhoiva Oy")
    page.fill("#comment-email", email)
    page.fill("#comment-text", text)
    page.locator("form:has(#comment-text) button[type=submit]").click()
    expect(page.get_by_text("confirm your comment", exact=False).first).to_be_visible()
    assert page.get_by_text(text).count() == 0
    axe(page)

    _open_latest_email(page, suite_url, email)
    page.locator(".mail-html a[href*='/feedback/confirm/']").first.click()
    page.wait_for_url(re.compile(r"/feedback/confirm/"))
    axe(page)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text("waits for moderation", exact=False).first).to_be_visible()

    _log_in(page, suite_url)
    item = page.locator("article.queue-item", has_text=text)
    expect(item).to_have_count(1)
    axe(page)
    item.locator("form[id^='approve-'] button[type=submit]").click()
    expect(page.get_by_text("Approved: the comment by Kaija Kommentoija", exact=False)).to_be_visible()
    expect(page.locator("article.queue-item", has_text=text)).to_have_count(0)

    public = browser.new_context(locale="en-GB").new_page()
    public.goto(topic_url + "?lang=en")
    expect(public.get_by_text(text)).to_be_visible()
    expect(public.get_by_text("Selainhoiva Oy").first).to_be_visible()
    public.context.close()


def test_the_feedback_staff_pages_meet_wcag_21_aa(page, suite_url, axe):
    _log_in(page, suite_url, "admin")
    expect(page.locator("article.queue-item").first).to_be_visible()  # the demo's pending ones
    axe(page)
    for path, landmark in (("/moderation?queue=reported", "article.queue-item"),
                           ("/audit", "table"), ("/forums", "a[href$='/comments.xlsx']")):
        page.goto(f"{suite_url}/feedback/staff{path}")
        expect(page.locator(landmark).first).to_be_visible()
        axe(page)
