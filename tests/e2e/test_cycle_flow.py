"""The annual clock and the compliance dashboard in a real browser, with axe on each page.

An administrator opens the public clock of the demo's providers' forum, the year plan's editor,
and the compliance dashboard, where a red check's fix link leads to the page it is fixed on.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.test_feedback_flow import _log_in

pytestmark = pytest.mark.e2e


def test_the_clock_and_the_dashboard_meet_wcag_21_aa_and_lead_to_the_fix(page, suite_url, axe):
    page.goto(f"{suite_url}/registration/clock?lang=en")
    expect(page.locator("main h1")).to_be_visible()
    expect(page.locator("main h2")).to_have_count(12)  # one section per month
    axe(page)
    _log_in(page, suite_url, "admin")
    page.goto(f"{suite_url}/registration/staff/clock?lang=en")
    expect(page.locator("main h1")).to_be_visible()
    axe(page)
    page.locator("main a[href*='/staff/clock/']").first.click()
    page.wait_for_url(re.compile(r"/staff/clock/\d+/\d+"))
    axe(page)
    page.goto(f"{suite_url}/registration/staff/compliance?lang=en")
    expect(page.locator("table.compliance tbody tr").first).to_be_visible()
    axe(page)
    fix = page.locator("table.compliance .caption-red a").first
    expect(fix).to_be_visible()
    target = fix.get_attribute("href").split("#")[0]
    fix.click()
    page.wait_for_url(lambda url: url.split("#")[0] == target)
    expect(page.locator("main h1")).to_be_visible()
    axe(page)
