"""A write whose every answer was lost is not called FAILED: it may have landed.

Found by the chaos run: a change sent four times with no usable answer (a cut-off
body, a reset, a timeout while the platform was still working) was marked FAILED
although the platform had applied it, so Spectra's bid disagreed with the platform's.
"""

from datetime import timedelta

import requests
from django.utils import timezone

from campaigns.models import Campaign, CampaignStatus, RecommendationStatus
from executors import senders
from executors.pipeline import LEASE, execute_recommendation, recover_executions
from executors.pipeline import run as execute
from tests.executors.execution.conftest import approved_budget, platform_budget, sandbox_writes


def _faults(sandbox, **config):
    url = f"{sandbox.base_url.rstrip('/')}/_sandbox/faults"
    requests.post(url, json=config, timeout=10).raise_for_status()


def test_a_change_with_no_answer_to_any_attempt_is_read_back_not_failed(
    sandbox, live_account, alice, monkeypatch
):
    monkeypatch.setattr(senders, "backoff_seconds", lambda attempt, asked: 0)
    # Every write is applied and its answer cut off, four times over; reads answer.
    _faults(sandbox, rate=1.0, kinds=["malformed"], writesOnly=True)
    rec = approved_budget(live_account, alice.approver)

    done = execute_recommendation(rec.pk)

    campaign = Campaign.objects.get(pk=rec.campaign_id)
    assert done.status == RecommendationStatus.EXECUTED
    assert campaign.daily_budget == platform_budget(sandbox, "CMP-0001") == rec.proposed_value
    assert campaign.status == CampaignStatus.ACTIVE
    keys = [w["idempotencyKey"] for w in sandbox_writes(sandbox)["writes"]]
    assert keys == [str(rec.idempotency_key)]  # applied once, however often it was sent


def test_a_change_that_cannot_be_read_back_either_is_finished_by_recovery_not_failed(
    sandbox, live_account, alice, monkeypatch, settings
):
    monkeypatch.setattr(senders, "backoff_seconds", lambda attempt, asked: 0)
    settings.PLATFORM_TIMEOUT_S = 0.5
    rec = approved_budget(live_account, alice.approver)
    # Reads answer until the write goes out; from then on every answer is cut off.
    original_claim = execute.recommendations_claim_bulk

    def claim_then_break_the_platform(**kwargs):
        won = original_claim(**kwargs)
        _faults(sandbox, rate=1.0, kinds=["malformed"])
        return won

    monkeypatch.setattr(execute, "recommendations_claim_bulk", claim_then_break_the_platform)

    after_the_attempts = execute_recommendation(rec.pk)

    assert after_the_attempts.status == RecommendationStatus.EXECUTING
    assert Campaign.objects.get(pk=rec.campaign_id).status == CampaignStatus.OPTIMIZING
    assert platform_budget(sandbox, "CMP-0001") == rec.proposed_value  # it did land

    monkeypatch.undo()
    _faults(sandbox, rate=0)
    recover_executions(now=timezone.now() + LEASE + timedelta(seconds=1))

    rec.refresh_from_db()
    campaign = Campaign.objects.get(pk=rec.campaign_id)
    assert rec.status == RecommendationStatus.EXECUTED
    assert campaign.daily_budget == platform_budget(sandbox, "CMP-0001") == rec.proposed_value
    assert campaign.status == CampaignStatus.ACTIVE
    keys = [w["idempotencyKey"] for w in sandbox_writes(sandbox)["writes"]]
    assert keys == [str(rec.idempotency_key)]  # applied once, however often it was sent
