"""A provider registers in the browser, reads the email in the dev mailbox, and cancels."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from shared.testing.waiting import wait_until

pytestmark = pytest.mark.e2e


def _fill_questions(page):
    """Answer the organiser's questions of the demo forum, whatever their kinds."""
    for field in page.locator("[name^='q_']").all():
        kind = field.get_attribute("type") or field.evaluate("e => e.tagName.toLowerCase()")
        name = field.get_attribute("name")
        if kind in ("radio", "checkbox"):
            page.locator(f"[name='{name}']").first.check()
        else:
            field.fill("Ei erityistä")


def _open_first_upcoming_forum(page, base):
    """From the calendar to the first upcoming forum's page."""
    page.goto(f"{base}/registration/?lang=en")
    page.locator("a[href*='/registration/events/']").first.click()
    page.wait_for_url(re.compile(r"/registration/events/\d+$"))


def _open_latest_email(page, base, to):
    """Wait until the dev mailbox has an email to ``to`` and open the newest one."""
    mailbox = f"{base}/notify/dev/mailbox/?to={to}"

    def arrived():
        page.goto(mailbox)
        return page.locator("table a").count() > 0

    wait_until(arrived, timeout=30, interval=0.5, message=f"an email to {to} in the dev mailbox")
    page.locator("table a").first.click()
    page.wait_for_url(re.compile(r"/dev/mailbox/\d+$"))


def test_register_read_the_email_and_cancel_through_the_manage_link(page, suite_url, axe):
    email = f"provider-{uuid.uuid4().hex[:8]}@example.fi"
    _open_first_upcoming_forum(page, suite_url)
    axe(page)
    page.locator("a.button[href$='/register']").click()
    page.wait_for_url(re.compile(r"/register$"))
    axe(page)

    page.fill("[name=name]", "Maija Meikäläinen")
    page.fill("[name=email]", email)
    page.fill("[name=organisation]", "Hoivapalvelu Oy")
    page.fill("[name=business_id]", "1572860-0")
    page.fill("[name=municipality]", "Kuopio")
    page.check("[name=attendance_mode][value=onsite]")
    _fill_questions(page)
    page.check("#privacy_consent")
    page.locator("main form button[type=submit]").click()

    # the answer tells nothing about the registration: that is in the email
    expect(page.locator("main h1")).to_have_text("Check your email")
    assert re.search(r"/register$", page.url)
    assert page.locator("a[href*='/manage/']").count() == 0
    axe(page)

    _open_latest_email(page, suite_url, email)
    assert "confirmed" in page.locator("main > h1").inner_text().lower()
    assert page.locator("a", has_text="foorumi.ics").count() == 1
    axe(page)
    page.locator(".mail-html a[href*='/registration/manage/']").first.click()

    page.wait_for_url(re.compile(r"/registration/manage/"))
    assert page.get_by_text("Confirmed", exact=False).first.is_visible()
    axe(page)
    page.locator("a[href$='/cancel']").click()
    page.wait_for_url(re.compile(r"/cancel$"))
    axe(page)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_text("cancelled", exact=False).first).to_be_visible()
    page.goto(page.url.rsplit("/cancel", 1)[0])
    assert page.locator("a[href$='/cancel']").count() == 0


def test_public_pages_in_finnish_meet_wcag_21_aa(page, suite_url, axe):
    for path in ("/", "/registration/", "/feedback/", "/memo/", "/notify/", "/privacy",
                 "/accessibility", "/registration/staff/login"):
        page.goto(suite_url + path)
        assert page.locator("html").get_attribute("lang") == "fi"
        axe(page)
