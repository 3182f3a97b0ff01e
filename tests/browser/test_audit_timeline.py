"""Approve, execute, then read the campaign's audit timeline: decision, write, new version."""

import pytest
from playwright.sync_api import expect

from campaigns.models import Campaign
from executors.tasks import execute_approved_task
from tests.browser.changes import propose_budget
from tests.browser.pages import log_in, run_action, select_rows

pytestmark = pytest.mark.browser

NOTE = "Diwali push agreed with the client"


def test_the_campaign_timeline_merges_the_decision_the_platform_write_and_the_version(
    page, sandbox, live_account, alice
):
    rec = propose_budget(live_account, "CMP-0001")
    campaign = Campaign.objects.get(pk=rec.campaign_id)
    log_in(page, alice.approver)
    page.goto("/admin/campaigns/recommendation/")
    select_rows(page, rec.pk)
    run_action(page, "approve_selected")
    page.fill("#id_note", NOTE)
    page.click("input[type=submit][value=Approve]")
    execute_approved_task(live_account.pk)

    page.goto(f"/admin/campaigns/campaign/{campaign.pk}/change/")
    page.click("#campaign-audit-link")
    entries = page.locator("#audit-timeline .audit-entry")
    decision = entries.filter(has_text=NOTE)
    expect(decision).to_contain_text("alice-approver")
    execution = page.locator("#audit-timeline .audit-execution")
    expect(execution).to_have_count(1)
    expect(execution).to_contain_text("adobe.campaign_budget")
    expect(entries.filter(has_text=f"recommendation #{rec.pk}").first).to_be_visible()

    page.fill("#audit-q", "Diwali push")
    page.click("#audit-search input[type=submit]")
    expect(entries.first).to_contain_text(NOTE)
    expect(page.locator("#audit-timeline .audit-execution")).to_have_count(0)

    page.fill("#audit-q", "nobody wrote this")
    page.click("#audit-search input[type=submit]")
    expect(page.locator("#audit-empty")).to_contain_text("Nothing matches")
