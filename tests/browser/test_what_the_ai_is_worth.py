"""From the AI calls, a person opens what the AI is worth and reads, per campaign,
its cost beside what the launch earned — their own organization's only."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from campaigns.models import Brief, DailyMetric
from creative.models import AICall
from tests.browser.conftest import ARTEFACTS
from tests.browser.pages import log_in
from tests.factories import make_ad_group, make_campaign

pytestmark = pytest.mark.browser


def _call(org, campaign, cost):
    AICall.objects.create(
        organization=org,
        campaign=campaign,
        purpose="copy",
        provider_name="sandbox",
        model="sandbox-writer",
        outcome="ok",
        cost=Decimal(cost),
    )


def test_a_viewer_reads_the_ai_cost_beside_the_launch_value(page, alice, bob):
    launched = make_campaign(alice.account, name="Winter socks launch")
    Brief.objects.create(
        campaign=launched,
        objective="value",
        start_date=date(2026, 11, 1),
        product="Wool socks",
        landing_url="https://example.com/socks",
        approved_at=datetime(2026, 11, 10, tzinfo=UTC),
    )
    DailyMetric.objects.create(
        campaign=launched,
        ad_group=make_ad_group(launched),
        date=date(2026, 11, 11),
        impressions=5000,
        clicks=400,
        conversions=30,
        conversion_value=Decimal("45000"),
        spend=Decimal("9000"),
        synced_at=datetime(2026, 11, 12, tzinfo=UTC),
    )
    _call(alice.org, launched, "0.900000")
    _call(bob.org, make_campaign(bob.account, name="Bob launch"), "5.000000")
    log_in(page, alice.viewer)

    page.goto("/admin/creative/aicall/")
    page.locator("#ai-value-link").click()

    table = page.locator("#ai-value")
    expect(table).to_contain_text("Winter socks launch")
    expect(table).to_contain_text("₹45,000.00")
    expect(table).to_contain_text("₹50,000.00")  # value per AI dollar
    expect(page.locator("#value-summary")).to_contain_text("$0.90")
    expect(page.locator("#content")).not_to_contain_text("Bob launch")
    page.screenshot(path=str(ARTEFACTS / "ai_value_1440.png"))
