"""The ops dashboard on the admin index: the day at a glance, and a way into each part."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from campaigns.services.switch import organization_execution_set
from executors.tasks import execute_approved_task
from spectra.schedules import install_schedules
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
        re.compile(r"/admin/campaigns/recommendation/\?sets=grouped&status__exact=proposed")
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


def test_an_admin_reads_what_spectra_will_do_next_and_whether_it_may(
    page, sandbox, live_account, alice, bob
):
    page.set_viewport_size({"width": 1440, "height": 900})
    install_schedules()
    done = approved_budget(live_account, alice.approver)
    execute_approved_task(live_account.pk)
    # One capped campaign among uncapped ones: paced against its own cap only.
    campaign = live_account.campaigns.order_by("pk").first()
    live_account.campaigns.update(spend_today=Decimal("8000"), max_daily_spend=None)
    live_account.campaigns.filter(pk=campaign.pk).update(
        spend_today=Decimal("600"), max_daily_spend=Decimal("1000")
    )
    organization_execution_set(
        organization=alice.org, actor=alice.admin, enabled=False, reason="Client freeze"
    )
    log_in(page, alice.admin)

    page.goto("/admin/")
    switch = page.locator("#tile-kill-switch")
    expect(switch.locator(".ops-figure")).to_have_text("OFF")
    expect(switch).to_contain_text("Switched off for alice org: Client freeze")
    health = page.locator(f"#account-health-{live_account.pk}")
    expect(health.locator(".execution-mode")).to_contain_text("live")
    expect(health.locator(".execution-mode")).to_contain_text("changes blocked")
    expect(health.locator(".pacing")).to_have_text("60 %")
    expect(health.locator(".daily-limit")).to_contain_text("campaigns capped")
    expect(health.locator(".next-cycle")).not_to_be_empty()
    expect(page.locator("#ops-dashboard")).not_to_contain_text("bob")

    page.locator(".execution-count[data-outcome=executed]").click()
    expect(page).to_have_url(re.compile(r"outcome__exact=succeeded.*created_at__gte="))
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list tbody")).to_contain_text(str(done.campaign))
    page.goto("/admin/")  # the screenshot is the dashboard
    expect(page.locator("#ops-dashboard")).to_be_visible()
