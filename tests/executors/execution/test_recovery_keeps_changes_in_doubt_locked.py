"""Recovery settles a change only on what the platform shows; until then its campaign stays
locked and the change EXECUTING."""

from datetime import timedelta

from django.utils import timezone

from campaigns.actors import system_user
from campaigns.models import Campaign, CampaignStatus, Recommendation, RecommendationStatus
from campaigns.services.campaigns import campaign_lock_for_change
from campaigns.services.recommendations import recommendation_claim
from executors.pipeline import LEASE, recover_executions
from executors.writers import writer_for
from tests.executors.execution.conftest import (
    approved_budget,
    platform_budget,
    sandbox_writes,
    set_faults,
)

R = RecommendationStatus


def _die_after_claim(rec, *, write: bool):
    actor = system_user()
    campaign_lock_for_change(
        campaign=rec.campaign, actor=actor, lease=timedelta(seconds=-1), reason="about to die"
    )
    assert recommendation_claim(recommendation=rec, actor=actor, lease=timedelta(seconds=-1))
    if write:
        writer = writer_for(rec.account)
        writer.send(writer.prepare(rec), key=str(rec.idempotency_key))


def test_a_change_recovery_cannot_read_back_stays_executing_with_its_campaign_locked(
    sandbox, live_account, alice, settings
):
    settings.PLATFORM_TIMEOUT_S = 0.5
    rec = approved_budget(live_account, alice.approver)
    _die_after_claim(rec, write=True)
    set_faults(sandbox, rate=1.0, kinds=["503"], retryAfter=0)  # reads fail too

    recover_executions(now=timezone.now())

    assert Recommendation.objects.get(pk=rec.pk).status == R.EXECUTING
    campaign = Campaign.objects.get(pk=rec.campaign_id)
    assert campaign.status == CampaignStatus.OPTIMIZING
    assert campaign.lock_expires_at > timezone.now()  # nobody takes the lock over meanwhile

    set_faults(sandbox, rate=0)
    recover_executions(now=timezone.now() + LEASE + timedelta(seconds=1))
    assert Recommendation.objects.get(pk=rec.pk).status == R.EXECUTED
    assert Campaign.objects.get(pk=rec.campaign_id).status == CampaignStatus.ACTIVE
    assert len(sandbox_writes(sandbox)["writes"]) == 1


def test_a_replayed_success_is_believed_only_once_the_platform_shows_the_value(
    sandbox, live_account, alice
):
    # Reads lag behind writes: right after the dead worker's write the platform still
    # shows the old budget, so recovery resends; the platform replays its answer.
    set_faults(sandbox, staleReadSeconds=600)
    rec = approved_budget(live_account, alice.approver)
    _die_after_claim(rec, write=True)

    recover_executions(now=timezone.now())

    assert Recommendation.objects.get(pk=rec.pk).status == R.EXECUTING
    assert Campaign.objects.get(pk=rec.campaign_id).status == CampaignStatus.OPTIMIZING
    assert sandbox_writes(sandbox)["duplicates"] == 1  # the resend was a replay

    sandbox.world._stale.clear()  # the platform's reads catch up
    recover_executions(now=timezone.now() + LEASE + timedelta(seconds=1))

    campaign = Campaign.objects.get(pk=rec.campaign_id)
    assert Recommendation.objects.get(pk=rec.pk).status == R.EXECUTED
    assert (campaign.status, campaign.daily_budget) == (CampaignStatus.ACTIVE, rec.proposed_value)
    assert platform_budget(sandbox, "CMP-0001") == rec.proposed_value
    assert len(sandbox_writes(sandbox)["writes"]) == 1
