"""A viewer sees no decision to take; another organization sees nothing at all."""

import re

import pytest
from playwright.sync_api import expect

from campaigns.models import RecommendationStatus
from tests.browser.pages import log_in, messages, post_anyway, row

pytestmark = pytest.mark.browser

S = RecommendationStatus


def test_a_viewer_sees_no_approve_button_and_is_refused_if_he_posts_anyway(page, alice):
    rec = alice.recommendation
    log_in(page, alice.viewer)

    page.goto("/admin/campaigns/recommendation/")
    expect(row(page, rec.pk)).to_contain_text("alice campaign")
    expect(page.locator("select[name=action] option[value=approve_selected]")).to_have_count(0)
    expect(page.locator("select[name=action] option[value=reject_selected]")).to_have_count(0)
    page.goto(f"/admin/campaigns/recommendation/{rec.pk}/change/")
    expect(page.locator("#content")).to_contain_text(alice.campaign.name)
    expect(page.get_by_role("button", name=re.compile("approve|reject", re.I))).to_have_count(0)

    post_anyway(
        page,
        "/admin/campaigns/recommendation/",
        {"action": "approve_selected", "_selected_action": str(rec.pk), "post": "yes"},
    )
    expect(row(page, rec.pk)).to_contain_text("Proposed")  # the action is not his to run
    post_anyway(
        page, f"/admin/campaigns/recommendation/{rec.pk}/transition/", {"transition": "approve"}
    )
    expect(messages(page)).to_contain_text("alice-viewer may not approve")

    rec.refresh_from_db()
    assert (rec.status, rec.decided_by) == (S.PROPOSED, None)


def test_a_user_of_another_organization_sees_nothing_of_this_one(page, alice, bob):
    log_in(page, bob.admin)

    page.goto("/admin/campaigns/recommendation/")
    expect(row(page, bob.recommendation.pk)).to_contain_text("bob campaign")
    expect(row(page, alice.recommendation.pk)).to_have_count(0)
    expect(page.locator("#result_list")).not_to_contain_text("alice")
    page.goto("/admin/campaigns/campaign/")
    expect(page.locator("#result_list")).to_contain_text("bob campaign")
    expect(page.locator("#result_list")).not_to_contain_text("alice")
    page.goto("/admin/campaigns/adaccount/")
    expect(page.locator("#result_list")).not_to_contain_text("alice")

    page.goto(f"/admin/campaigns/campaign/{alice.campaign.pk}/change/")
    expect(messages(page)).to_contain_text("doesn’t exist")
    expect(page.locator("#content")).not_to_contain_text("alice campaign")
    page.goto(f"/admin/campaigns/recommendation/{alice.recommendation.pk}/change/")
    expect(messages(page)).to_contain_text("doesn’t exist")
    response = page.goto(f"/admin/campaigns/campaign/{alice.campaign.pk}/versions/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("alice campaign")
