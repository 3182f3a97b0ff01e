"""The campaign page at 1440 × 900: switching the date range and the comparison period
redraws the KPI tiles and the charts; a bad range in the URL is a message, not a 500."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from campaigns.account_time import account_today
from tests.browser.pages import log_in, messages
from tests.campaigns.performance_data import with_history

pytestmark = pytest.mark.browser


def test_an_analyst_switches_the_range_and_the_comparison(page, alice):
    campaign = with_history(alice, days=70)
    today = account_today(campaign.account)
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, alice.analyst)
    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    section = page.locator("#campaign-performance-section")
    expect(section.locator("h2")).to_contain_text("35 days")
    expect(section.locator("h2")).to_contain_text("against previous period")
    spend = page.locator(".kpi-tile[data-kpi=spend]")

    section.get_by_role("link", name="7 days", exact=True).click()
    expect(section.locator("h2")).to_contain_text("(7 days,")
    expect(spend.locator(".kpi-value")).to_have_text("₹43,400.00")  # 7 × ₹6,200
    # The week before: three days at the raised budget's ₹6,200, four at about ₹5,000.
    expect(spend.locator(".kpi-compared")).to_have_text("was ₹38,640.00 +12 %")
    expect(page.locator("#campaign-performance svg").first.locator("circle")).to_have_count(14)

    page.select_option("#range-compare", "none")
    section.get_by_role("button", name="Show").click()
    expect(section.locator("h2")).not_to_contain_text("against")
    expect(spend.locator(".kpi-compared")).to_have_count(0)
    expect(page.locator("#campaign-performance svg").first.locator("circle")).to_have_count(7)

    first, last = today - timedelta(days=60), today - timedelta(days=50)
    page.fill("#range-from", first.isoformat())
    page.fill("#range-to", last.isoformat())
    page.select_option("#range-compare", "last_year")
    section.get_by_role("button", name="Show").click()
    expect(section.locator("h2")).to_contain_text("(11 days,")
    expect(section.locator("h2")).to_contain_text("against same period last year")
    expect(spend.locator(".kpi-compared")).to_contain_text("was —")

    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/?from=2026-02-30&to=x")
    expect(messages(page)).to_contain_text("is not a range of two dates")
    expect(section.locator("h2")).to_contain_text("35 days")
