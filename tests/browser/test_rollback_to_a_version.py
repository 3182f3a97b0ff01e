"""An approver rolls a campaign back to an earlier version; the worker restores the platform."""

import pytest
from playwright.sync_api import expect

from campaigns.models import Campaign, Recommendation, RecommendationStatus, Source
from campaigns.money import money
from executors.pipeline import execute_recommendation
from executors.tasks import execute_approved_task
from tests.browser.pages import log_in, messages, row
from tests.executors.execution.conftest import approved_budget, platform_budget

pytestmark = pytest.mark.browser

S = RecommendationStatus


def test_an_approver_rolls_a_campaign_back_to_a_version(page, sandbox, live_account, alice):
    change = approved_budget(live_account, alice.approver)
    campaign = Campaign.objects.get(pk=change.campaign_id)
    launch = campaign.history.order_by("history_date").first()
    execute_recommendation(change.pk)
    assert platform_budget(sandbox, campaign.external_id) == change.proposed_value
    log_in(page, alice.approver)

    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    page.click("text=Versions and rollback")
    versions = page.locator("#content table tbody tr")
    expect(versions.first).to_contain_text(f"recommendation #{change.pk}")
    expect(versions.first).to_contain_text(money(change.proposed_value, live_account.currency))
    oldest = versions.last
    oldest.locator("input[name=note]").fill("Back to the launch budget")
    oldest.get_by_role("button", name="Roll back to this version").click()
    expect(messages(page)).to_contain_text("1 rollback change(s) created and approved")

    rollback = Recommendation.objects.get(source=Source.ROLLBACK)
    assert rollback.status == S.APPROVED
    assert platform_budget(sandbox, campaign.external_id) == change.proposed_value  # not yet

    execute_approved_task(live_account.pk)  # the worker's next round

    assert platform_budget(sandbox, campaign.external_id) == launch.daily_budget
    page.reload()
    expect(versions.first).to_contain_text(f"recommendation #{rollback.pk}")
    expect(versions.first).to_contain_text(money(launch.daily_budget, live_account.currency))
    page.goto("/admin/campaigns/recommendation/")
    expect(row(page, rollback.pk)).to_contain_text("Executed")
    rollback.refresh_from_db()
    assert (rollback.status, rollback.proposed_value) == (S.EXECUTED, launch.daily_budget)
