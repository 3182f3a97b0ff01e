"""The campaign page: pacing against its limits, 35 days charted, and its state buttons."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.models import Campaign, CampaignStatus, DailyMetric
from tests.browser.pages import log_in, messages

pytestmark = pytest.mark.browser


def _busy(tenant) -> Campaign:
    Campaign.objects.filter(pk=tenant.campaign.pk).update(
        spend_today=Decimal("4200"), max_daily_spend=Decimal("7000")
    )
    today = timezone.now().date()
    for days_ago in range(1, 8):
        DailyMetric.objects.create(
            ad_group=tenant.ad_group,
            campaign=tenant.campaign,
            date=today - timedelta(days=days_ago),
            impressions=1000,
            clicks=50,
            conversions=Decimal("6"),
            spend=Decimal(5000 + 100 * days_ago),
            synced_at=timezone.now(),
        )
    return tenant.campaign


def test_an_analyst_reads_the_pacing_and_chart_and_pauses_the_campaign(page, alice):
    campaign = _busy(alice)
    log_in(page, alice.analyst)

    page.goto("/admin/campaigns/campaign/")
    page.get_by_role("link", name=campaign.name).click()
    expect(page.locator("#pacing-today")).to_contain_text("60 % of the max daily spend")
    charts = page.locator("#campaign-performance svg")
    expect(charts).to_have_count(2)
    expect(charts.first).to_be_visible()
    expect(charts.first).to_contain_text("max daily spend")

    page.fill("#id_reason", "Creative refresh before the sale")
    page.get_by_role("button", name="Pause", exact=True).click()

    # The pause is a change for the platform: alice's account is in dry run, so she is
    # told it is simulated, and the campaign shows as being paused meanwhile.
    expect(messages(page)).to_contain_text("Simulated: ")
    expect(page.locator(".field-status_display")).to_contain_text("Pausing…")
    # While the pause is on its way there is nothing to press twice: the button says
    # "Pausing…", is disabled, and the reason is written under it.
    expect(page.get_by_role("button", name="Pause", exact=True)).to_have_count(0)
    held = page.get_by_role("button", name="Pausing…", exact=True)
    expect(held).to_be_disabled()
    expect(page.locator("#transition-pause-held")).to_contain_text(
        f"Asked for by {alice.analyst} at "
    )
    expect(page.get_by_role("button", name="Archive", exact=True)).to_be_enabled()
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE
    change = campaign.recommendations.get(kind="pause")
    latest = change.history.latest("history_date")
    assert (latest.history_user, latest.history_change_reason) == (
        alice.analyst,
        f"Pause requested by {alice.analyst}: Creative refresh before the sale",
    )


def test_a_viewer_reads_the_campaign_page_but_has_no_buttons_and_no_form(page, alice):
    campaign = _busy(alice)
    log_in(page, alice.viewer)

    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    expect(page.locator("#pacing-today")).to_contain_text("60 % of the max daily spend")
    expect(page.locator("#campaign-performance svg")).to_have_count(2)
    expect(page.locator("#transition_form")).to_have_count(0)
    expect(page.locator("#id_max_daily_spend")).to_have_count(0)  # shown, not editable
    expect(page.locator("input[name=_save]")).to_have_count(0)
