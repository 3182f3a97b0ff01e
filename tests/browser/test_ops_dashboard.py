"""The ops dashboard on the admin index: the day at a glance, and a way into each part."""

import re

import pytest
from playwright.sync_api import expect

from executors.tasks import execute_approved_task
from tests.browser.changes import propose_budget
from tests.browser.pages import log_in, row
from tests.executors.execution.conftest import approved_budget

pytestmark = pytest.mark.browser


def test_an_approver_reads_the_day_on_the_dashboard_and_follows_it_to_the_queue(
    page, sandbox, live_account, alice, bob
):
    done = approved_budget(live_account, alice.approver)
    execute_approved_task(live_account.pk)
    waiting = propose_budget(live_account, "CMP-0002")
    log_in(page, alice.approver)

    page.goto("/admin/")
    pending = page.locator("#tile-pending-approvals")
    expect(pending.locator(".ops-figure")).to_have_text("2")  # alice's two, not bob's
    expect(page.locator(".execution-count[data-outcome=executed] .ops-figure")).to_have_text("1")
    expect(page.locator("#tile-kill-switch .ops-figure")).to_have_text("ON")
    expect(page.locator(f"#account-health-{live_account.pk}")).to_contain_text("alice sandbox")
    expect(page.locator("#spend-pacing svg")).to_be_visible()
    expect(page.locator("#ops-dashboard")).not_to_contain_text("bob")

    pending.click()
    expect(page).to_have_url(
        re.compile(r"/admin/campaigns/recommendation/\?status__exact=proposed")
    )
    expect(row(page, waiting.pk)).to_be_visible()
    expect(row(page, alice.recommendation.pk)).to_be_visible()
    expect(row(page, done.pk)).to_have_count(0)


def test_another_organizations_dashboard_counts_nothing_of_this_one(
    page, sandbox, live_account, alice, bob
):
    approved_budget(live_account, alice.approver)
    execute_approved_task(live_account.pk)
    log_in(page, bob.admin)

    page.goto("/admin/")
    expect(page.locator("#tile-pending-approvals .ops-figure")).to_have_text("1")  # bob's own
    expect(page.locator(".execution-count[data-outcome=executed] .ops-figure")).to_have_text("0")
    expect(page.locator(f"#account-health-{live_account.pk}")).to_have_count(0)
    expect(page.locator("#ops-dashboard")).not_to_contain_text("alice")
    expect(page.locator("#tile-failed-tasks")).to_have_count(0)  # operators only
