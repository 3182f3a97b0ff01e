"""A 48-leg reallocation is one row of the approval queue, with its legs inside; approving
that row approves every leg, as one decision."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from campaigns.models import ChangeSetStatus, RecommendationStatus
from tests.browser.pages import log_in, messages, row, run_action, select_rows
from tests.campaigns.change_sets import make_change_set
from tests.factories import make_campaign, make_recommendation

pytestmark = pytest.mark.browser

SCREEN = {"width": 1440, "height": 900}
FORTY_EIGHT = ((50000, 60000),) * 24 + ((50000, 40000),) * 24


def test_a_48_leg_reallocation_is_one_row_and_approving_it_approves_every_leg(page, alice):
    change_set = make_change_set(alice, FORTY_EIGHT, expected_impact=Decimal("125.40"))
    legs = list(change_set.legs.order_by("pk"))
    single = make_recommendation(
        make_campaign(alice.account, name="Diwali search"), expected_impact=Decimal("900")
    )
    page.set_viewport_size(SCREEN)
    log_in(page, alice.approver)

    page.goto("/admin/campaigns/recommendation/queue/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(3)  # the set, the single change, alice's own proposal
    the_set = row(page, legs[0].pk)
    expect(the_set).to_contain_text(f"set #{change_set.pk}")
    expect(the_set).to_contain_text("48 campaigns")
    expect(the_set).to_contain_text("±₹2,40,000, net ₹0")
    expect(the_set).to_contain_text("₹6,019")  # 48 × ₹125.40, the set's impact
    for leg in legs[1:]:
        expect(row(page, leg.pk)).to_have_count(0)
    fits = page.evaluate(
        """() => {
            const results = document.querySelector("#changelist .results");
            const summary = document.querySelector("#result_list details.legs summary");
            return {
                hiddenWidth: results.scrollWidth - results.clientWidth,
                summaryCut: summary.scrollWidth > summary.clientWidth,
            };
        }"""
    )
    assert fits == {"hiddenWidth": 0, "summaryCut": False}, fits

    the_set.locator("details.legs summary").click()
    panel = the_set.locator("details.legs .legs-panel")
    expect(panel).to_be_visible()
    expect(panel.locator("li")).to_have_count(48)
    # The panel floats over the list: the rows keep their height.
    assert the_set.bounding_box()["height"] < 40
    page.screenshot(path="var/artefacts/browser/reallocation_legs_open.png", full_page=False)
    the_set.locator("details.legs summary").click()
    expect(the_set.get_by_role("link", name=f"set #{change_set.pk}")).to_have_attribute(
        "href", f"/admin/campaigns/changeset/{change_set.pk}/change/"
    )

    select_rows(page, legs[0].pk)
    run_action(page, "approve_selected")
    expect(page.locator("#content")).to_contain_text(
        "Approve 1 reallocation(s), each with all its legs?"
    )
    expect(page.locator("#selected-reallocations")).to_contain_text("48 legs")
    page.screenshot(path="var/artefacts/browser/reallocation_confirm.png")
    page.click("input[type=submit][value=Approve]")

    expect(messages(page)).to_contain_text(
        "Approved 1 reallocation(s) as a whole, 48 leg(s) with their set."
    )
    expect(rows).to_have_count(2)  # back in the queue: the set has left it
    change_set.refresh_from_db()
    assert change_set.status == ChangeSetStatus.APPROVED
    assert {leg.status for leg in change_set.legs.all()} == {RecommendationStatus.APPROVED}
    single.refresh_from_db()
    assert single.status == RecommendationStatus.PROPOSED
