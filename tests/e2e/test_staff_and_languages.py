"""The secretary's registration pages and the Swedish and English public pages meet WCAG 2.1 AA."""

import re

import pytest
from playwright.sync_api import expect

from services.registration.demo import HELD_FORUM
from tests.e2e.test_feedback_flow import _log_in

pytestmark = pytest.mark.e2e


def test_the_secretarys_registration_pages_meet_wcag_21_aa(page, suite_url, axe):
    _log_in(page, suite_url, "secretary")
    page.goto(f"{suite_url}/registration/staff/events")
    axe(page)
    page.locator("table a[href*='/registration/staff/events/']").first.click()
    page.wait_for_url(re.compile(r"/registration/staff/events/\d+$"))
    event = page.url
    axe(page)
    for path in ("/edit", "/registrations", "/checkin", "/publish", "/cancel"):
        page.goto(event + path)
        expect(page.locator("main h1")).to_be_visible()
        axe(page)
    page.goto(f"{suite_url}/registration/staff/events/new")
    axe(page)


def test_the_recording_and_its_captions_meet_wcag_21_aa(page, suite_url, axe):
    _log_in(page, suite_url, "secretary")
    page.goto(f"{suite_url}/registration/staff/events")
    page.locator("table a", has_text=HELD_FORUM).first.click()
    page.wait_for_url(re.compile(r"/registration/staff/events/\d+$"))
    expect(page.locator(".caption-green")).to_be_visible()
    axe(page)
    page.goto(page.url.replace("/staff/events/", "/events/") + "?lang=en")
    expect(page.locator("a[href$='/captions.vtt']")).to_have_text("Download the captions (WebVTT)")
    axe(page)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_public_pages_in_swedish_and_english_meet_wcag_21_aa(page, suite_url, axe, lang):
    page.goto(f"{suite_url}/?lang={lang}")
    assert page.locator("html").get_attribute("lang") == lang
    axe(page)
    for path in ("/registration/", "/feedback/"):
        page.goto(suite_url + path)
        assert page.locator("html").get_attribute("lang") == lang
        axe(page)
    page.locator("a[href*='/feedback/topics/']").first.click()
    page.wait_for_url(re.compile(r"/feedback/topics/\d+$"))
    axe(page)
    for action in ("reply", "report"):
        link = page.locator(f"a[href$='/{action}']").first
        if link.count():
            link.click()
            page.wait_for_url(re.compile(rf"/comments/\d+/{action}$"))
            axe(page)
            page.go_back()


def test_the_landing_page_links_every_part_of_the_suite(page, suite_url):
    page.goto(f"{suite_url}/?lang=en")
    hrefs = set(page.locator("main a").evaluate_all("links => links.map(a => a.pathname)"))
    assert {"/registration/", "/feedback/", "/memo/", "/notify/", "/registration/staff/",
            "/notify/dev/mailbox/"} <= hrefs
