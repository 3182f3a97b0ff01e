"""Flip a kill switch in the console; the next execution is BLOCKED and nothing is written."""

import pytest
from playwright.sync_api import expect

from campaigns.models import RecommendationStatus
from executors.models import ExecutionLog, ExecutionOutcome
from executors.tasks import execute_approved_task
from tests.browser.pages import log_in, messages, row
from tests.executors.execution.conftest import approved_budget, platform_budget

pytestmark = pytest.mark.browser

S = RecommendationStatus
SWITCHES = "/admin/campaigns/executionswitch/"


def _confirm(page, reason: str) -> None:
    page.fill("#id_reason", reason)
    page.click("#confirm-flip")


def _next_execution_is_blocked(page, sandbox, account, rec, why: str) -> None:
    before = platform_budget(sandbox, rec.campaign.external_id)

    assert execute_approved_task(account.pk) == {S.BLOCKED: 1}  # the worker's next round

    assert platform_budget(sandbox, rec.campaign.external_id) == before
    page.goto("/admin/campaigns/recommendation/")
    expect(row(page, rec.pk)).to_contain_text("Blocked")
    page.goto("/admin/executors/executionlog/")
    expect(page.locator("#result_list")).to_contain_text("Blocked")
    page.goto(f"/admin/campaigns/recommendation/{rec.pk}/change/")
    page.get_by_text("Execution", exact=True).click()  # the collapsed fieldset with the outcome
    expect(page.locator(".field-outcome_detail")).to_contain_text(why)
    expect(page.locator(".field-outcome_detail")).to_be_visible()
    assert ExecutionLog.objects.get(recommendation=rec).outcome == ExecutionOutcome.BLOCKED


def test_an_organization_admin_switches_writes_off_and_the_next_execution_is_blocked(
    page, sandbox, live_account, alice
):
    rec = approved_budget(live_account, alice.approver)
    log_in(page, alice.admin)

    page.goto(SWITCHES)
    switch = page.locator(f"#organization-switch-{alice.org.pk}")
    expect(switch.locator(".switch-state")).to_have_text("ON")
    switch.locator("a.flip-organization").click()
    _confirm(page, "Client asked us to stop during the audit")

    expect(messages(page)).to_contain_text(f"Platform writes are now OFF for {alice.org.name}.")
    expect(switch.locator(".switch-state")).to_have_text("OFF")
    expect(page.locator("#switch-history")).to_contain_text(
        "Client asked us to stop during the audit"
    )
    _next_execution_is_blocked(
        page, sandbox, live_account, rec, "switched off for this organization"
    )


def test_an_operator_switches_writes_off_globally_and_the_next_execution_is_blocked(
    page, sandbox, live_account, alice, superuser
):
    rec = approved_budget(live_account, alice.approver)
    log_in(page, superuser)

    page.goto(SWITCHES)
    page.click("#flip-global")
    _confirm(page, "Adobe incident, stop every write")

    expect(messages(page)).to_contain_text("Platform writes are now OFF for every organization.")
    expect(page.locator("#global-switch")).to_contain_text("Platform writes OFF")
    _next_execution_is_blocked(page, sandbox, live_account, rec, "Adobe incident, stop every write")
