"""The campaign page at 1440 × 900: the spend chart with its budget line (a step where
the budget changed), the days still gathering conversions shaded, legends on their own
row, money on the y axis, and no date cut at the edge."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from campaigns.account_time import account_today
from tests.browser.conftest import ARTEFACTS
from tests.browser.pages import log_in
from tests.campaigns.performance_data import with_history

pytestmark = pytest.mark.browser


def _inside(box, outer) -> bool:
    return (
        box["x"] >= outer["x"] - 0.5
        and box["x"] + box["width"] <= outer["x"] + outer["width"] + 0.5
        and box["y"] >= outer["y"] - 0.5
        and box["y"] + box["height"] <= outer["y"] + outer["height"] + 0.5
    )


def _overlap(a, b) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def test_an_analyst_reads_spend_against_the_budget_and_the_lagging_days(page, alice):
    campaign = with_history(alice, budget_change_days_ago=10)
    today = account_today(campaign.account)
    page.set_viewport_size({"width": 1440, "height": 900})
    log_in(page, alice.analyst)

    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/?days=28")

    spend = page.locator("#campaign-performance svg").first
    expect(spend).to_be_visible()
    spend.scroll_into_view_if_needed()
    legend = spend.locator(".legend-entry")
    expect(legend).to_have_text(
        [
            "spend",
            "spend, previous period",
            "daily budget",
            "conversions still arriving",
        ]
    )
    expect(spend.locator("rect.chart-band")).to_have_count(1)
    budget_titles = spend.locator("rect title").all_text_contents()
    yesterday = today - timedelta(days=1)
    assert f"daily budget {yesterday.day} {yesterday:%b}: ₹6,500" in budget_titles
    assert any(t.startswith("daily budget") and t.endswith("₹5,000") for t in budget_titles)
    expect(page.locator("#campaign-lag-note")).to_contain_text("still gathering conversions")

    # Nothing drawn outside the chart, and the legend clear of the title.
    outer = spend.bounding_box()
    texts = spend.locator("text")
    for i in range(texts.count()):
        assert _inside(texts.nth(i).bounding_box(), outer), texts.nth(i).text_content()
    title = texts.first.bounding_box()
    for i in range(legend.count()):
        assert not _overlap(title, legend.nth(i).bounding_box())
    y_labels = spend.locator("text[text-anchor=end]").all_text_contents()
    assert y_labels and all(label.startswith("₹") for label in y_labels)
    last_label = spend.locator("text[text-anchor=middle]").last
    assert last_label.text_content() == f"{yesterday.day} {yesterday:%b}"
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#campaign-performance-section").screenshot(
        path=str(ARTEFACTS / "campaign_performance_section.png")
    )
