"""The campaign list at 1440 × 900 shows CTR, CPC, CPA and ROAS for the last 7 complete
days; a person sorts by CPA and reads the cheapest first, campaigns without data last."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from campaigns.account_time import account_today
from campaigns.models import DailyMetric
from tests.browser.pages import log_in
from tests.factories import make_ad_group, make_campaign

pytestmark = pytest.mark.browser


def _week(campaign, *, spend: str, conversions: str) -> None:
    group = make_ad_group(campaign)
    today = account_today(campaign.account)
    for days_ago in range(1, 8):
        DailyMetric.objects.create(
            ad_group=group,
            campaign=campaign,
            date=today - timedelta(days=days_ago),
            impressions=10_000,
            clicks=250,
            conversions=Decimal(conversions),
            conversion_value=Decimal(spend) * 3,
            spend=Decimal(spend),
            synced_at=timezone.now(),
        )


def test_an_analyst_sorts_campaigns_by_cpa(page, alice):
    _week(make_campaign(alice.account, name="Brand search"), spend="2000", conversions="40")
    _week(make_campaign(alice.account, name="Display prospecting"), spend="3000", conversions="6")
    _week(make_campaign(alice.account, name="Shopping"), spend="2500", conversions="20")
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, alice.analyst)

    page.goto("/admin/campaigns/campaign/")
    subtitle = page.get_by_role("heading", name=re.compile("complete days"))
    expect(subtitle).to_contain_text("the last 7 complete days")
    page.locator("th.column-kpi_cpa_display .text a").click()

    names = page.locator("#result_list tbody th a")
    expect(names).to_have_text(
        ["Brand search", "Shopping", "Display prospecting", "alice campaign"]
    )
    cpa = page.locator("#result_list tbody td.field-kpi_cpa_display")
    expect(cpa).to_have_text(["₹50", "₹125", "₹500", "—"])
    expect(page.locator("td.field-kpi_roas_display").first).to_have_text("3.00×")
    expect(page.locator("td.field-kpi_ctr_display").first).to_have_text("2.50 %")

    page.locator("th.column-kpi_cpa_display .text a").click()  # descending
    expect(names.first).to_have_text("Display prospecting")
    expect(names.last).to_have_text("alice campaign")  # no data: last either way

    page.get_by_role("link", name="Last 28 complete days").click()
    expect(subtitle).to_contain_text("the last 28 complete days")


def _every_column_fits(page) -> None:
    """No column hides behind the filters: the list needs no sideways scrolling."""
    overflow = page.evaluate(
        "() => { const r = document.querySelector('#changelist .results');"
        " return r.scrollWidth - r.clientWidth; }"
    )
    assert overflow <= 0


def test_both_lists_show_every_column_at_1440_px(page, alice):
    _week(make_campaign(alice.account, name="Brand search"), spend="2000", conversions="40")
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, alice.analyst)

    page.goto("/admin/campaigns/campaign/")
    _every_column_fits(page)
    page.goto("/admin/campaigns/adgroup/")
    expect(page.locator("td.field-kpi_cpa_display").first).to_have_text("₹50")
    _every_column_fits(page)
