"""An organization admin puts an account in dry run; the next change is simulated, not written."""

import pytest
from playwright.sync_api import expect

from campaigns.models import ExecutionMode, RecommendationStatus
from executors.tasks import execute_approved_task
from tests.browser.pages import log_in, messages, row
from tests.executors.execution.conftest import approved_budget, platform_budget, sandbox_writes

pytestmark = pytest.mark.browser

REASON = "Client review week: simulate only"


def test_an_admin_switches_an_account_to_dry_run_and_the_next_change_is_simulated(
    page, sandbox, live_account, alice
):
    rec = approved_budget(live_account, alice.approver)
    before = platform_budget(sandbox, "CMP-0001")
    log_in(page, alice.admin)

    page.goto(f"/admin/campaigns/adaccount/{live_account.pk}/change/")
    page.select_option("#id_new_execution_mode", ExecutionMode.DRY_RUN)
    page.click("input[name=_save]")
    expect(page.locator(".errorlist")).to_contain_text("Say why the execution mode changes.")
    page.select_option("#id_new_execution_mode", ExecutionMode.DRY_RUN)
    page.fill("#id_mode_reason", REASON)
    page.click("input[name=_save]")
    expect(messages(page)).to_contain_text("was changed successfully")
    expect(row(page, live_account.pk)).to_contain_text("Dry run")
    live_account.refresh_from_db()
    assert live_account.execution_mode == ExecutionMode.DRY_RUN
    changed = live_account.history.latest("history_date")
    assert changed.history_user == alice.admin
    assert REASON in changed.history_change_reason

    assert execute_approved_task(live_account.pk) == {RecommendationStatus.SIMULATED: 1}

    assert platform_budget(sandbox, "CMP-0001") == before
    assert sandbox_writes(sandbox)["writes"] == []
    page.goto(f"/admin/campaigns/recommendation/{rec.pk}/change/")
    expect(page.locator(".field-status")).to_contain_text("Simulated")
