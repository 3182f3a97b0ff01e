"""A reviewer filters the approval queue, reads one change's evidence chart and approves it."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from campaigns.models import RecommendationKind, RecommendationStatus, Risk
from tests.browser.pages import log_in, messages, row
from tests.factories import make_account, make_campaign, make_recommendation

pytestmark = pytest.mark.browser

EVIDENCE = {
    "series": {
        "dates": ["2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"],
        "spend": [4800, 5000, 5100, 4900],
        "value": [14000, 16500, 17800, 18100],
    }
}


def test_a_reviewer_filters_the_queue_reads_the_evidence_and_approves_from_the_page(page, alice):
    rec = make_recommendation(
        alice.campaign,
        confidence=Decimal("0.95"),
        expected_impact=Decimal("1250"),
        evidence=EVIDENCE,
        requires_approval=True,
    )
    bid = make_recommendation(
        alice.campaign,
        kind=RecommendationKind.BID,
        ad_group=alice.ad_group,
        current_value=Decimal("15.50"),
        proposed_value=Decimal("17.00"),
    )
    log_in(page, alice.approver)

    page.goto("/admin/campaigns/recommendation/")
    page.locator("#changelist-filter").get_by_role("link", name="Budget change").click()
    expect(row(page, bid.pk)).to_have_count(0)
    queued = row(page, rec.pk)
    expect(queued).to_contain_text("₹5,000 → ₹6,000")
    expect(queued).to_contain_text("+20 %")
    expect(queued).to_contain_text("95 %")
    queued.get_by_role("link", name=str(rec.pk), exact=True).click()

    chart = page.locator(".field-evidence_chart_display svg")
    expect(chart).to_be_visible()
    expect(chart).to_contain_text("Daily spend and conversion value the optimiser judged")
    page.fill("#id_transition_note", "Evidence holds up")
    page.get_by_role("button", name="Approve", exact=True).click()

    expect(messages(page)).to_contain_text("is now approved")
    rec.refresh_from_db()
    assert (rec.status, rec.decided_by, rec.decision_note) == (
        RecommendationStatus.APPROVED,
        alice.approver,
        "Evidence holds up",
    )


SCREEN = {"width": 1440, "height": 900}
LONG_REASON = (
    "Raise the daily budget: the marginal ROAS of the last 28 days is well above the "
    "portfolio's, the spend is limited by budget on most days and the trend is significant."
)


def _fill_the_queue(alice, rows: int = 100) -> list:
    """`rows` proposals over two accounts whose campaigns share their names."""
    second = make_account(alice.org, name="alice second account with a long name")
    campaigns = [
        # Lakh-sized budgets: the widest amounts the demo's rupee accounts show.
        make_campaign(
            account, name=f"Diwali search brand exact {n}", daily_budget=Decimal("500000")
        )
        for n in range(5)
        for account in (alice.account, second)
    ]
    return [
        make_recommendation(
            campaigns[n % len(campaigns)],
            reason=LONG_REASON,
            current_value=Decimal("500000"),
            proposed_value=Decimal("650000"),
            confidence=Decimal("0.9"),
            expected_impact=Decimal("1250000.50"),
            risk=Risk.HIGH,
        )
        for n in range(rows - 1)
    ] + [alice.recommendation]


def test_a_hundred_proposals_fit_in_under_three_screens_with_every_column_shown(page, alice):
    _fill_the_queue(alice)
    page.set_viewport_size(SCREEN)
    log_in(page, alice.approver)

    page.goto("/admin/campaigns/recommendation/queue/")
    expect(page.locator("#nav-sidebar")).to_be_visible()
    expect(page.locator("#result_list tbody tr")).to_have_count(100)

    layout = page.evaluate(
        """() => {
            const results = document.querySelector("#changelist .results");
            const rows = [...document.querySelectorAll("#result_list tbody tr")];
            const reason = document.querySelector("#result_list td.field-reason_short span");
            const heads = [...document.querySelectorAll("#result_list thead th")];
            // The table stretches to its box; at its narrowest it shows how much room is left.
            const table = document.querySelector("#result_list");
            table.style.width = "min-content";
            const naturalWidth = table.getBoundingClientRect().width;
            table.style.width = "";
            return {
                spareWidth: results.clientWidth - naturalWidth,
                pageHeight: document.documentElement.scrollHeight,
                hiddenWidth: results.scrollWidth - results.clientWidth,
                rightmostColumn: Math.max(...heads.map(h => h.getBoundingClientRect().right)),
                tallestRow: Math.max(...rows.map(r => r.getBoundingClientRect().height)),
                reasonCut: reason.scrollWidth > reason.clientWidth,
                changeCut: [...document.querySelectorAll("#result_list td.field-change_short span")]
                    .some(cell => cell.scrollWidth > cell.clientWidth),
                reasonTitle: reason.title,
                columns: heads.map(h => h.textContent.trim().toLowerCase()),
            };
        }"""
    )
    print(f"queue of 100 at 1440x900: {layout}")  # the figures, for the record (-s)

    assert layout["hiddenWidth"] <= 0, "a column is off-screen (the list scrolls sideways)"
    assert layout["spareWidth"] >= 0
    assert layout["rightmostColumn"] <= SCREEN["width"]
    for column in ["account", "campaign or audience", "change", "size", "risk", "status", "age"]:
        assert column in layout["columns"]
    assert layout["tallestRow"] < 40, "a row wraps to more than one line"
    assert layout["reasonCut"] and layout["reasonTitle"] == LONG_REASON
    assert not layout["changeCut"], "a lakh-sized change is cut before its proposed value"
    assert layout["pageHeight"] < 3 * SCREEN["height"]


def test_a_reviewer_sorts_by_size_and_approves_one_after_another(page, alice):
    alice.recommendation.delete()
    small = make_recommendation(alice.campaign, proposed_value=Decimal("5500"))
    big = make_recommendation(alice.campaign, proposed_value=Decimal("6500"))
    page.set_viewport_size(SCREEN)
    log_in(page, alice.approver)

    page.goto("/admin/campaigns/recommendation/queue/")
    page.locator("#result_list thead th.column-change_size_display").get_by_role(
        "link", name="size"
    ).click()  # ascending
    page.locator("#result_list thead th.column-change_size_display").get_by_role(
        "link", name="size"
    ).click()  # descending: the biggest step first
    row(page, big.pk).get_by_role("link", name=str(big.pk), exact=True).click()
    page.get_by_role("button", name="Approve and next").click()

    expect(messages(page)).to_contain_text("is now approved")
    expect(page).to_have_url(
        re.compile(rf"/recommendation/{small.pk}/change/\?_changelist_filters=")
    )
    page.get_by_role("button", name="Approve and next").click()

    expect(messages(page)).to_contain_text("No proposed recommendation is left in this list.")
    expect(page.locator("#result_list")).to_have_count(0)
    big.refresh_from_db()
    small.refresh_from_db()
    assert (big.status, small.status) == (RecommendationStatus.APPROVED,) * 2
