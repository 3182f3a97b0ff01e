"""The versions page at 1440 × 900 hides the machine's lock versions until a person asks
for them with "Show system changes"; a person's change is always there."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import log_in
from tests.campaigns.admin.test_history_hides_system_changes import _history

pytestmark = pytest.mark.browser


def test_an_analyst_reads_the_versions_without_the_machines_noise_and_can_show_it(page, alice):
    campaign = _history(alice)
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, alice.analyst)

    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    page.click("text=Versions and rollback")
    rows = page.locator("#content table tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(2)).to_contain_text("Festival cap")
    expect(rows.nth(2)).to_contain_text("₹7,000.00")  # money as the account writes it
    expect(page.locator("#system-changes-toggle")).to_contain_text("2 system changes hidden")

    page.get_by_role("switch", name="Show system changes").click()
    expect(rows).to_have_count(6)
    expect(page.locator("tr.system-change")).to_have_count(2)
    expect(page.locator("tr.system-change").first).to_contain_text("Unlock")
    expect(page.locator("tr.system-change").first).to_contain_text("system")

    page.get_by_role("switch", name="Hide system changes").click()
    expect(rows).to_have_count(4)
