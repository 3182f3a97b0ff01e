"""Retryable platform failures are retried with the same key; others fail at once, loudly."""

from campaigns.models import Alert, AlertKind, Campaign, CampaignStatus, RecommendationStatus
from executors import senders
from executors.models import ExecutionLog
from executors.pipeline import execute_recommendation
from executors.pipeline import run as execute
from tests.executors.execution.conftest import (
    approved_budget,
    platform_budget,
    sandbox_writes,
    set_faults,
)


def _no_wait(monkeypatch):
    monkeypatch.setattr(senders, "backoff_seconds", lambda attempt, asked: 0)


def test_a_503_is_retried_and_the_change_lands_once(sandbox, live_account, alice, monkeypatch):
    _no_wait(monkeypatch)
    # Seed 17 makes the first write fail and the second succeed (deterministic faults).
    set_faults(sandbox, rate=0.5, kinds=["503"], writesOnly=True, seed=17, retryAfter=0)
    rec = approved_budget(live_account, alice.approver)

    done = execute_recommendation(rec.pk)

    outcomes = list(
        ExecutionLog.objects.filter(recommendation=rec)
        .order_by("attempt")
        .values_list("outcome", flat=True)
    )
    assert done.status == RecommendationStatus.EXECUTED
    assert outcomes[-1] == "succeeded" and "retrying" in outcomes
    assert len(sandbox_writes(sandbox)["writes"]) == 1
    assert platform_budget(sandbox, "CMP-0001") == rec.proposed_value


def test_a_platform_that_keeps_answering_500_leaves_the_change_in_doubt_not_failed(
    sandbox, live_account, alice, monkeypatch
):
    _no_wait(monkeypatch)
    set_faults(sandbox, rate=1.0, kinds=["500"], writesOnly=True)
    rec = approved_budget(live_account, alice.approver)

    done = execute_recommendation(rec.pk)

    # A 500 does not prove the write was refused: recovery reads it back, the campaign
    # stays locked meanwhile, and nobody is told it failed.
    assert done.status == RecommendationStatus.EXECUTING
    assert ExecutionLog.objects.filter(recommendation=rec).count() == execute.WRITE_ATTEMPTS + 1
    assert not Alert.objects.filter(kind=AlertKind.EXECUTION_FAILED).exists()
    assert Campaign.objects.get(pk=rec.campaign_id).status == CampaignStatus.OPTIMIZING


def test_a_refused_request_is_not_retried(sandbox, live_account, alice, monkeypatch):
    _no_wait(monkeypatch)
    rec = approved_budget(live_account, alice.approver)
    # A write the platform refuses as invalid (400): the currency does not match.
    live_account.currency = "USD"
    live_account.save(update_fields=["currency"])

    done = execute_recommendation(rec.pk)

    assert done.status == RecommendationStatus.FAILED
    assert ExecutionLog.objects.filter(recommendation=rec).count() == 1
    assert sandbox_writes(sandbox)["writes"] == []


def test_while_the_breaker_is_open_executions_wait_instead_of_hammering(
    sandbox, live_account, alice, settings
):
    from executors.resilience import breaker_record_failure

    for _ in range(settings.BREAKER_FAILURE_THRESHOLD):
        breaker_record_failure(live_account, "503 from the platform")
    rec = approved_budget(live_account, alice.approver)

    done = execute_recommendation(rec.pk)

    assert done.status == RecommendationStatus.APPROVED  # waits for the next round
    assert "circuit breaker open" in ExecutionLog.objects.get(recommendation=rec).detail
    assert sandbox_writes(sandbox)["writes"] == []
