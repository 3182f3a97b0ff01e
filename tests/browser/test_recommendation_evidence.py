"""A reviewer reads a budget recommendation's page at 1440 × 900 and can tell, without
JSON, what changes, why, how sure Spectra is and what it assumed — then decides, below
the evidence; a change whose campaign was pinned since is warned of before it executes."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from campaigns.models import GuardrailPolicy, Recommendation, RecommendationKind
from campaigns.services.campaigns import campaign_update_limits
from campaigns.services.recommendations import recommendation_approve
from optimizer.services import optimize_account
from tests.browser.conftest import ARTEFACTS
from tests.browser.pages import log_in, messages
from tests.factories import make_ad_group, make_campaign, make_recommendation
from tests.optimizer.builders import AS_OF, write_daily_metrics

pytestmark = pytest.mark.browser

SCREEN = {"width": 1440, "height": 900}
NOW = datetime.combine(AS_OF, datetime.min.time(), tzinfo=UTC) + timedelta(hours=6)


def optimised_budget_change(alice) -> Recommendation:
    """The optimiser's own proposal for alice's strong campaign (ROAS 6 against 1.5), as a
    single change a person decides on its page."""
    weak = make_campaign(alice.account, name="alice weak campaign")
    write_daily_metrics(alice.campaign, alice.ad_group, roas=6.0, seed=1)
    write_daily_metrics(weak, make_ad_group(weak), roas=1.5, seed=2)
    GuardrailPolicy.objects.create(organization=alice.org)
    run = optimize_account(account=alice.account, as_of=AS_OF, now=NOW)
    leg = Recommendation.objects.get(
        run=run, campaign=alice.campaign, kind=RecommendationKind.BUDGET
    )
    return make_recommendation(
        alice.campaign,
        run=run,
        current_value=leg.current_value,
        proposed_value=leg.proposed_value,
        reason=leg.reason,
        evidence=leg.evidence,
        confidence=leg.confidence,
        expected_impact=leg.expected_impact,
        risk=leg.risk,
    )


def test_a_reviewer_reads_the_evidence_in_words_and_decides_below_it(page, alice):
    rec = optimised_budget_change(alice)
    page.set_viewport_size(SCREEN)
    log_in(page, alice.approver)

    page.goto(f"/admin/campaigns/recommendation/{rec.pk}/change/")

    evidence = page.locator("#evidence")
    expect(evidence).to_be_visible()
    expect(page.locator("#evidence-change")).to_contain_text("₹5,000 → ₹6,500 (+30 %)")
    tiles = page.locator("#evidence-tiles .tile")
    expect(tiles).to_have_count(5)
    expect(tiles.filter(has_text="ROAS")).to_contain_text("week before")
    expect(tiles.filter(has_text="Spend")).to_contain_text("₹")
    expect(page.locator("#evidence-trend")).to_contain_text("week over week")
    expect(page.locator("#evidence-limits")).to_contain_text("Limited by budget")
    curve = page.locator("#response-curve")
    expect(curve).to_be_visible()
    expect(curve.locator("[data-mark=now]")).to_have_count(1)
    expect(curve.locator("[data-mark=proposed]")).to_have_count(1)
    expect(curve).to_contain_text("proposed: ₹6,500")
    expect(page.locator("#evidence-confidence")).to_contain_text(
        "sure this raises conversion value: in"
    )
    expect(page.locator("#evidence-assumption")).to_contain_text(
        "This rests on an assumed response, not this campaign's data — there is too little "
        "spend variation to measure it"
    )
    expect(page.locator("#evidence-lag")).to_contain_text("Conversion lag: of the")
    # No 16-digit floats anywhere a person reads (the raw JSON is folded away).
    assert not page.locator("#evidence").inner_text().count("0000000")
    expect(page.get_by_text("Raw evidence (JSON)")).to_be_visible()
    expect(page.locator(".field-evidence_display pre")).to_be_hidden()
    page.screenshot(path=str(ARTEFACTS / "recommendation_evidence_top.png"))

    # The decision comes after the evidence, and nothing would block this one.
    evidence_bottom = evidence.bounding_box()
    decision = page.locator("#transition_form").bounding_box()
    assert decision["y"] > evidence_bottom["y"] + evidence_bottom["height"]
    expect(page.locator("#execution-warning")).to_have_count(0)
    page.fill("#id_transition_note", "Curve and lag hold up")
    page.get_by_role("button", name="Approve", exact=True).click()
    expect(messages(page)).to_contain_text("is now approved")


def test_a_campaign_pinned_after_approval_is_warned_of_above_the_decision(page, alice):
    rec = optimised_budget_change(alice)
    recommendation_approve(recommendation=rec, actor=alice.approver)
    campaign_update_limits(
        campaign=alice.campaign, actor=alice.analyst, reason="hold still for the launch",
        max_daily_spend=None, total_spend_limit=None, is_pinned=True,
    )  # fmt: skip
    page.set_viewport_size(SCREEN)
    log_in(page, alice.approver)

    page.goto(f"/admin/campaigns/recommendation/{rec.pk}/change/")

    warning = page.locator("#execution-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("would block it")
    expect(warning).to_contain_text("is pinned: Spectra leaves it as it is")
    assert warning.bounding_box()["y"] > page.locator("#evidence").bounding_box()["y"]
    warning.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTEFACTS / "recommendation_evidence_pinned_warning.png"))
