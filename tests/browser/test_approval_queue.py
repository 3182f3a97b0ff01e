"""A reviewer filters the approval queue, reads one change's evidence chart and approves it."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from campaigns.models import RecommendationKind, RecommendationStatus
from tests.browser.pages import log_in, messages, row
from tests.factories import make_recommendation

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
    expect(queued).to_contain_text("₹5,000 → ₹6,000 (+20 %)")
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
