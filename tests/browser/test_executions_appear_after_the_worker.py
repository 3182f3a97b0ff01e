"""Approved in the browser, carried out by the worker, seen in the browser."""

import pytest
from playwright.sync_api import expect

from campaigns.models import RecommendationStatus
from executors.models import ExecutionLog, ExecutionOutcome
from executors.tasks import execute_approved_task
from tests.browser.changes import propose_budget
from tests.browser.pages import log_in, messages, row, run_action, select_rows
from tests.executors.execution.conftest import platform_budget

pytestmark = pytest.mark.browser


def test_executions_appear_once_the_worker_has_run(page, sandbox, live_account, alice):
    first = propose_budget(live_account, "CMP-0001")
    second = propose_budget(live_account, "CMP-0002", factor="1.10")
    log_in(page, alice.approver)
    page.goto("/admin/campaigns/recommendation/")
    select_rows(page, first.pk, second.pk)
    run_action(page, "approve_selected")
    page.click("input[type=submit][value=Approve]")
    expect(messages(page)).to_contain_text("Approved 2 recommendation(s).")

    # The worker's turn: the same task django-q2 runs, in this process.
    assert execute_approved_task(live_account.pk) == {RecommendationStatus.EXECUTED: 2}

    page.reload()
    expect(row(page, first.pk)).to_contain_text("Executed")
    expect(row(page, second.pk)).to_contain_text("Executed")
    page.goto("/admin/executors/executionlog/")
    log_rows = page.locator("#result_list tbody tr")
    expect(log_rows).to_have_count(2)
    for rec in (first, second):
        expect(log_rows.filter(has_text=rec.campaign.name)).to_contain_text("Succeeded")
    assert set(
        ExecutionLog.objects.filter(outcome=ExecutionOutcome.SUCCEEDED).values_list(
            "recommendation_id", flat=True
        )
    ) == {first.pk, second.pk}
    assert platform_budget(sandbox, "CMP-0001") == first.proposed_value
    assert platform_budget(sandbox, "CMP-0002") == second.proposed_value

    page.goto(f"/admin/campaigns/recommendation/{first.pk}/change/")
    expect(page.locator("#content")).to_contain_text("Executed")
