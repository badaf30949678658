"""A provider subscribes and confirms from the dev mailbox; communications staff compose and send a
newsletter; the provider reads it in the dev mailbox and unsubscribes with one click."""

import re
import uuid

import pytest
from playwright.sync_api import expect

from shared.testing.waiting import wait_until

pytestmark = pytest.mark.e2e

STAFF = ("viestinta@foorumi.example", "demo-communications")


def _open_latest_email(page, base, to, subject_part):
    """Wait until the dev mailbox has an email to ``to`` whose subject has ``subject_part``."""
    mailbox = f"{base}/notify/dev/mailbox/?to={to}"
    link = page.locator("table a", has_text=subject_part)

    def arrived():
        page.goto(mailbox)
        return link.count() > 0

    wait_until(arrived, timeout=60, interval=0.5, message=f"{subject_part!r} to {to}")
    link.first.click()
    page.wait_for_url(re.compile(r"/dev/mailbox/\d+$"))


def test_subscribe_confirm_send_read_and_unsubscribe(page, suite_url, axe):
    email = f"reader-{uuid.uuid4().hex[:8]}@example.fi"
    subject = f"Autumn news {uuid.uuid4().hex[:6]}"

    page.goto(f"{suite_url}/notify/subscribe?lang=en")
    axe(page)
    page.fill("[name=email]", email)
    page.fill("[name=name]", "Maija Meikäläinen")
    page.fill("[name=organisation]", "Hoivapalvelu Oy")
    page.check("[name=locale][value=en]")
    page.check("[name=industries][value=elderly_care]")
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text("confirm")

    _open_latest_email(page, suite_url, email, "Confirm your subscription")
    page.locator(".mail-html a[href*='/subscribe/confirm/']").first.click()
    page.wait_for_url(re.compile(r"/subscribe/confirm/"))
    axe(page)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text(email)

    page.goto(f"{suite_url}/notify/staff/login?lang=en")
    page.fill("[name=email]", STAFF[0])
    page.fill("[name=password]", STAFF[1])
    page.locator("main form button[type=submit]").click()
    page.goto(f"{suite_url}/notify/staff/campaigns/new")
    axe(page)
    page.fill("[name=subject_fi]", f"Syksyn uutiset {subject}")
    page.fill("[name=body_fi]", "Tervetuloa **syysfoorumiin**.")
    page.fill("[name=subject_en]", subject)
    page.fill("[name=body_en]", "Welcome to the **autumn forum**.")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/staff/campaigns/\d+$"))
    axe(page)
    campaign_url = page.url
    page.locator("form[action$='/send'] button").click()
    page.wait_for_url(campaign_url)

    def sent():
        page.goto(campaign_url)
        return page.locator("#campaign-status").inner_text().strip() == "Sent"

    wait_until(sent, timeout=60, interval=0.5, message="the campaign to be sent")
    handled, total, sent_count = map(int, re.findall(r"\d+", page.locator("#progress").inner_text()))
    assert handled == total == sent_count >= 1  # the demo's subscribers and ours, all sent
    axe(page)
    page.goto(f"{campaign_url}/preview?lang=en")
    axe(page)
    page.goto(f"{suite_url}/notify/staff/plan")
    assert page.locator("[data-milestone=agenda]").count() > 0  # the demo forums, from event.published
    axe(page)
    page.goto(f"{suite_url}/notify/archive?lang=en")
    page.locator("main a", has_text=subject).click()
    expect(page.locator("main h1")).to_have_text(subject)
    axe(page)

    _open_latest_email(page, suite_url, email, subject)
    assert "autumn forum" in page.locator(".mail-html").inner_text()
    page.locator(".mail-html a[href*='/unsubscribe/']").first.click()
    page.wait_for_url(re.compile(r"/unsubscribe/"))
    axe(page)
    page.locator("main form button[type=submit]").click()
    expect(page.get_by_role("status")).to_contain_text("will not receive")
