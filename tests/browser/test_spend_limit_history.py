"""An analyst sets a campaign's spend limit; the change, its author and reason are in history."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from tests.browser.pages import log_in, messages

pytestmark = pytest.mark.browser

REASON = "Festival cap agreed with the client"


def test_an_analyst_edits_a_spend_limit_and_sees_it_in_the_history(page, alice):
    campaign = alice.campaign
    log_in(page, alice.analyst)

    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    page.fill("#id_max_daily_spend", "7500")
    page.fill("#id_reason", REASON)
    page.click("input[name=_save]")
    expect(messages(page)).to_contain_text("was changed successfully")

    campaign.refresh_from_db()
    assert campaign.max_daily_spend == Decimal("7500.00")
    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    page.click("a.historylink")
    expect(page).to_have_url(re.compile(rf"/admin/campaigns/campaign/{campaign.pk}/history/$"))
    latest = page.locator("#change-history tbody tr").first
    expect(latest).to_contain_text(REASON)
    expect(latest).to_contain_text("alice-analyst")
    expect(latest).to_contain_text(re.compile(r"Max daily spend:\s*None\s*→\s*7500\.00"))
