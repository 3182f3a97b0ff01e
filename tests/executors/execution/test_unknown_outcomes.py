"""An answer that does not prove the write was refused is an unknown outcome, never FAILED.

The sandbox applies the write and then answers with a gateway's 502 or 504, answers
after the client stopped waiting, or closes the connection: Spectra reads the value
back (Google) or resends with the same idempotency key (Adobe), and its own rows end
up showing what the platform really runs.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import (
    Alert,
    AlertKind,
    Campaign,
    CampaignStatus,
    Recommendation,
    RecommendationStatus,
)
from executors import senders
from executors.pipeline import execute_recommendation, recover_executions
from executors.pipeline import run as execute
from tests.executors.execution.conftest import (
    approved_budget,
    platform_budget,
    sandbox_writes,
    set_faults,
)

R = RecommendationStatus


@pytest.fixture(autouse=True)
def _no_wait(monkeypatch):
    monkeypatch.setattr(senders, "backoff_seconds", lambda attempt, asked: 0)


@pytest.mark.parametrize("kind", ["502", "504"])
def test_an_adobe_write_applied_then_answered_with_an_error_ends_executed_once(
    sandbox, live_account, alice, kind
):
    # The first attempt is applied and answered with the error; the resend with the
    # same key is a replay the platform recognises.
    set_faults(sandbox, rate=1.0, kinds=[kind], writesOnly=True)
    rec = approved_budget(live_account, alice.approver)

    done = execute_recommendation(rec.pk)

    assert done.status == R.EXECUTED, done.outcome_detail
    assert len(sandbox_writes(sandbox)["writes"]) == 1
    campaign = Campaign.objects.get(pk=rec.campaign_id)
    assert campaign.daily_budget == platform_budget(sandbox, "CMP-0001") == rec.proposed_value
    assert campaign.status == CampaignStatus.ACTIVE
    assert not Alert.objects.filter(kind=AlertKind.EXECUTION_FAILED).exists()


def test_an_adobe_write_answered_after_the_client_gave_up_ends_executed_once(
    sandbox, live_account, alice, settings
):
    settings.PLATFORM_TIMEOUT_S = 0.5
    set_faults(sandbox, rate=1.0, kinds=["slowAfter"], slowSeconds=1.0, writesOnly=True)
    rec = approved_budget(live_account, alice.approver)

    done = execute_recommendation(rec.pk)

    assert done.status == R.EXECUTED, done.outcome_detail
    assert len(sandbox_writes(sandbox)["writes"]) == 1
    assert Campaign.objects.get(pk=rec.campaign_id).daily_budget == rec.proposed_value


def test_a_connection_dropped_before_the_write_is_left_in_doubt_then_written_once(
    sandbox, live_account, alice
):
    set_faults(sandbox, rate=1.0, kinds=["drop"], writesOnly=True)
    rec = approved_budget(live_account, alice.approver)

    done = execute_recommendation(rec.pk)

    assert done.status == R.EXECUTING  # nothing shows it landed, nothing proves it did not
    assert Campaign.objects.get(pk=rec.campaign_id).status == CampaignStatus.OPTIMIZING
    set_faults(sandbox, rate=0)
    recover_executions(now=timezone.now() + execute.LEASE + timedelta(seconds=1))

    assert Recommendation.objects.get(pk=rec.pk).status == R.EXECUTED
    assert len(sandbox_writes(sandbox)["writes"]) == 1
    campaign = Campaign.objects.get(pk=rec.campaign_id)
    assert (campaign.status, campaign.daily_budget) == (CampaignStatus.ACTIVE, rec.proposed_value)


@pytest.mark.parametrize("kind", ["502", "504", "500"])
def test_a_google_mutate_applied_then_answered_with_an_error_is_read_back_not_failed(
    sandbox, google_account, alice, kind
):
    # Google has no idempotency key: the value is read back, never the mutate resent.
    campaign = Campaign.objects.filter(account=google_account).order_by("external_id").first()
    if kind == "500":
        # A 500 in Google's own shape, answered before anything was applied: still no
        # proof of a refusal, so it is read back (and found not applied) — not FAILED.
        set_faults(sandbox, rate=1.0, kinds=["500"], writesOnly=True)
    else:
        set_faults(sandbox, rate=1.0, kinds=[kind], writesOnly=True)
    rec = approved_budget(google_account, alice.approver, external_id=campaign.external_id)

    done = execute_recommendation(rec.pk)

    writes = sandbox_writes(sandbox)["writes"]
    if kind == "500":
        assert done.status == R.EXECUTING and writes == []
        return
    assert done.status == R.EXECUTED, done.outcome_detail
    assert len(writes) == 1
    world_id = f"CMP-{int(campaign.external_id):04d}"
    assert Campaign.objects.get(pk=campaign.pk).daily_budget == platform_budget(sandbox, world_id)
