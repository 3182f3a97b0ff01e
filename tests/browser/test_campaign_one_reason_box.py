"""The campaign page has one reason box: saving a cap and pausing both take their reason
from it, and nothing else on the page asks why."""

import pytest
from playwright.sync_api import expect

from campaigns.models import Campaign
from tests.browser.pages import log_in, messages

pytestmark = pytest.mark.browser


def test_an_analyst_caps_and_then_pauses_with_the_same_reason_box(page, alice):
    campaign = alice.campaign
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, alice.analyst)
    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")

    expect(page.locator("[name=reason], [name=note]")).to_have_count(1)
    reason = page.locator("#id_reason")
    expect(reason).to_have_value("")  # no canned reason that a pause would carry

    page.fill("#id_max_daily_spend", "7000")
    reason.fill("Cap before the festival")
    page.get_by_role("button", name="Save and continue editing").click()
    expect(messages(page)).to_contain_text("was changed successfully")
    last = Campaign.history.filter(id=campaign.pk).latest("history_date")
    assert (last.history_user, last.history_change_reason) == (
        alice.analyst,
        "Cap before the festival",
    )

    # A pause without a reason is refused, and says why.
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(messages(page)).to_contain_text("Say why")
    page.fill("#id_reason", "Creative refresh")
    page.get_by_role("button", name="Pause", exact=True).click()
    expect(messages(page)).to_contain_text("Simulated: ")
    change = campaign.recommendations.get(kind="pause")
    assert change.history.latest("history_date").history_change_reason == (
        f"Pause requested by {alice.analyst}: Creative refresh"
    )
