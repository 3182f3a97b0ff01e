"""A worker that died mid-write leaves nothing stuck, lost or applied twice."""

from datetime import timedelta

from django.utils import timezone

from campaigns.actors import system_user
from campaigns.models import Campaign, CampaignStatus, Recommendation, RecommendationStatus
from campaigns.services.campaigns import campaign_lock_for_change
from campaigns.services.recommendations import recommendation_claim
from executors.models import ExecutionLog
from executors.pipeline import recover_executions
from executors.writers import writer_for
from tests.executors.execution.conftest import approved_budget, platform_budget, sandbox_writes


def _die_after_claim(rec, *, write: bool):
    """What a worker leaves behind when killed: claimed, maybe written, never finished."""
    actor = system_user()
    campaign_lock_for_change(
        campaign=rec.campaign,
        actor=actor,
        lease=timedelta(seconds=-1),
        reason="worker about to die",
    )
    assert recommendation_claim(recommendation=rec, actor=actor, lease=timedelta(seconds=-1))
    if write:
        writer = writer_for(rec.account)
        writer.send(writer.prepare(rec), key=str(rec.idempotency_key))


def test_a_change_written_before_the_crash_is_reconciled_without_a_second_write(
    sandbox, live_account, alice
):
    rec = approved_budget(live_account, alice.approver)
    _die_after_claim(rec, write=True)

    assert recover_executions(now=timezone.now()) == 1

    done = Recommendation.objects.get(pk=rec.pk)
    assert done.status == RecommendationStatus.EXECUTED
    assert len(sandbox_writes(sandbox)["writes"]) == 1
    assert ExecutionLog.objects.get(recommendation=rec).outcome == "reconciled"
    campaign = Campaign.objects.get(pk=rec.campaign_id)
    assert (campaign.status, campaign.daily_budget) == (CampaignStatus.ACTIVE, rec.proposed_value)


def test_a_change_lost_in_the_crash_is_written_once_by_recovery(sandbox, live_account, alice):
    rec = approved_budget(live_account, alice.approver)
    _die_after_claim(rec, write=False)

    recover_executions(now=timezone.now())
    recover_executions(now=timezone.now())  # a second recovery finds nothing to do

    assert Recommendation.objects.get(pk=rec.pk).status == RecommendationStatus.EXECUTED
    assert platform_budget(sandbox, "CMP-0001") == rec.proposed_value
    assert len(sandbox_writes(sandbox)["writes"]) == 1


def test_a_live_lease_is_left_to_its_worker(sandbox, live_account, alice):
    rec = approved_budget(live_account, alice.approver)
    assert recommendation_claim(recommendation=rec, actor=system_user(), lease=timedelta(minutes=5))

    assert recover_executions(now=timezone.now()) == 0
    assert Recommendation.objects.get(pk=rec.pk).status == RecommendationStatus.EXECUTING
