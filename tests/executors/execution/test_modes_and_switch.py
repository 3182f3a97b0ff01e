"""Dry run writes nothing; read-only and the kill switch block with the reason."""

import pytest

from campaigns.models import ExecutionMode, RecommendationStatus
from executors.models import ExecutionLog
from executors.pipeline import execute_recommendation
from tests.executors.execution.conftest import approved_budget, platform_budget, sandbox_writes


def test_a_dry_run_account_simulates_and_keeps_the_exact_request(sandbox, live_account, alice):
    live_account.execution_mode = ExecutionMode.DRY_RUN
    live_account.save(update_fields=["execution_mode"])
    rec = approved_budget(live_account, alice.approver)
    before = platform_budget(sandbox, "CMP-0001")

    done = execute_recommendation(rec.pk)

    assert done.status == RecommendationStatus.SIMULATED
    assert done.simulated_request == {
        "method": "PATCH",
        "path": "campaign/CMP-0001",
        "body": {"budget": {"allocated": float(rec.proposed_value), "currency": "INR"}},
    }
    assert platform_budget(sandbox, "CMP-0001") == before
    assert sandbox_writes(sandbox)["writes"] == []
    assert ExecutionLog.objects.get(recommendation=rec).outcome == "simulated"


def test_a_read_only_account_blocks_with_the_reason(sandbox, live_account, alice):
    live_account.execution_mode = ExecutionMode.READ_ONLY
    live_account.save(update_fields=["execution_mode"])
    rec = approved_budget(live_account, alice.approver)

    done = execute_recommendation(rec.pk)

    assert done.status == RecommendationStatus.BLOCKED
    assert "read_only" in done.outcome_detail
    assert sandbox_writes(sandbox)["writes"] == []


@pytest.mark.parametrize("mode", [ExecutionMode.LIVE, ExecutionMode.DRY_RUN])
def test_the_kill_switch_blocks_every_account(sandbox, live_account, alice, settings, mode):
    live_account.execution_mode = mode
    live_account.save(update_fields=["execution_mode"])
    settings.SPECTRA_EXECUTION_ENABLED = False
    rec = approved_budget(live_account, alice.approver)

    done = execute_recommendation(rec.pk)

    assert done.status == RecommendationStatus.BLOCKED
    assert done.outcome_detail.startswith("kill_switch")
    assert sandbox_writes(sandbox)["writes"] == []
