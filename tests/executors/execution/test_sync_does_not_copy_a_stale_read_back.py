"""A sync right after Spectra's own write does not copy the platform's out-of-date read
back (eventual consistency: the sandbox's `staleReadSeconds`); after the stale window, or
for a value nobody at Spectra wrote, the platform's read is copied as always."""

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from campaigns.actors import system_user
from campaigns.models import (
    AdGroup,
    Campaign,
    CampaignStatus,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
)
from campaigns.services.campaigns import campaign_lock_for_change
from campaigns.services.recommendations import recommendation_approve, recommendation_claim
from executors.clients.factory import client_for
from executors.pipeline import LEASE, execute_recommendation, recover_executions
from executors.sync import SYNC_REASON, sync_account
from tests.executors.conftest import WINDOW
from tests.executors.execution.conftest import approved_budget, platform_budget, set_faults

R = RecommendationStatus


@pytest.fixture
def stale_reads(sandbox):
    """Reads keep showing an object as it was before a write for ten minutes."""
    set_faults(sandbox, staleReadSeconds=600)


def _sync(account):
    return sync_account(account=account, date_from=WINDOW[0], date_to=WINDOW[1])


def _read_budget(account, external_id="CMP-0001") -> Decimal:
    listed = {c["external_id"]: c for c in client_for(account).campaigns()}
    return Decimal(str(listed[external_id]["daily_budget"])).quantize(Decimal("0.01"))


def _after_the_window(rec):
    """Spectra's clock moves past the stale window of `rec`'s write, and the platform's
    reads have long caught up with it."""
    Recommendation.objects.filter(pk=rec.pk).update(
        executed_at=timezone.now() - LEASE - timedelta(seconds=1)
    )


def test_a_sync_right_after_a_budget_change_keeps_the_new_budget_and_says_so(
    sandbox, live_account, alice, stale_reads, caplog
):
    rec = approved_budget(live_account, alice.approver)
    assert execute_recommendation(rec.pk).status == R.EXECUTED
    assert platform_budget(sandbox, "CMP-0001") == rec.proposed_value
    assert _read_budget(live_account) == rec.current_value  # the read has not caught up

    with caplog.at_level(logging.INFO, logger="spectra.sync"):
        run = _sync(live_account)

    campaign = Campaign.objects.get(pk=rec.campaign_id)
    assert campaign.daily_budget == rec.proposed_value
    assert run.fields_kept == 1
    assert "left 1 field(s) as Spectra wrote them" in caplog.text
    assert "CMP-0001 daily_budget" in caplog.text
    assert not campaign.history.filter(history_change_reason=SYNC_REASON).exists()


def test_after_the_window_a_change_made_on_the_platform_is_copied(
    sandbox, live_account, alice, stale_reads
):
    rec = approved_budget(live_account, alice.approver)
    execute_recommendation(rec.pk)
    _after_the_window(rec)
    sandbox.world._stale.clear()
    # Someone sets the old budget again on the platform itself: now it is their change.
    sandbox.world.set_campaign_budget("CMP-0001", float(rec.current_value))

    run = _sync(live_account)

    assert Campaign.objects.get(pk=rec.campaign_id).daily_budget == rec.current_value
    assert run.fields_kept == 0


def test_within_the_window_a_value_spectra_never_wrote_is_copied(
    sandbox, live_account, alice, stale_reads
):
    rec = approved_budget(live_account, alice.approver)
    execute_recommendation(rec.pk)
    sandbox.world._stale.clear()
    sandbox.world.set_campaign_budget("CMP-0001", 1234.0)  # changed on the platform itself

    run = _sync(live_account)

    assert Campaign.objects.get(pk=rec.campaign_id).daily_budget == Decimal("1234.00")
    assert run.fields_kept == 0


def test_a_bid_just_changed_is_not_set_back_by_the_next_sync(
    sandbox, live_account, alice, stale_reads
):
    ad_group = AdGroup.objects.filter(campaign__account=live_account).order_by("pk").first()
    rec = recommendation_approve(
        recommendation=Recommendation.objects.create(
            account=live_account,
            campaign=ad_group.campaign,
            ad_group=ad_group,
            kind=RecommendationKind.BID,
            current_value=ad_group.bid,
            proposed_value=(ad_group.bid * Decimal("1.05")).quantize(Decimal("0.01")),
            reason="Marginal CPA below target.",
        ),
        actor=alice.approver,
    )
    assert execute_recommendation(rec.pk).status == R.EXECUTED

    run = _sync(live_account)

    assert AdGroup.objects.get(pk=ad_group.pk).bid == rec.proposed_value
    assert run.fields_kept == 1


def test_a_pause_just_executed_is_not_resumed_by_a_read_that_still_says_active(
    sandbox, live_account, alice, stale_reads
):
    campaign = Campaign.objects.get(account=live_account, external_id="CMP-0001")
    rec = recommendation_approve(
        recommendation=Recommendation.objects.create(
            account=live_account,
            campaign=campaign,
            kind=RecommendationKind.PAUSE,
            reason="Spend spike.",
        ),
        actor=alice.approver,
    )
    assert execute_recommendation(rec.pk).status == R.EXECUTED
    assert {c["external_id"]: c for c in client_for(live_account).campaigns()}["CMP-0001"][
        "status"
    ] == "active"  # the read has not caught up

    run = _sync(live_account)

    assert Campaign.objects.get(pk=campaign.pk).status == CampaignStatus.PAUSED
    assert run.fields_kept == 1


def test_a_change_in_flight_is_left_to_the_pipeline_to_record(sandbox, live_account, alice):
    # A worker wrote the new budget and died before recording it: the change is
    # EXECUTING. The sync leaves the budget to recovery, which reads back and records it.
    rec = approved_budget(live_account, alice.approver)
    gone = timedelta(seconds=-1)  # the dead worker's leases have run out
    campaign_lock_for_change(
        campaign=rec.campaign, actor=system_user(), lease=gone, reason="a worker"
    )
    assert recommendation_claim(recommendation=rec, actor=system_user(), lease=gone)
    sandbox.world.set_campaign_budget("CMP-0001", float(rec.proposed_value))  # it landed

    run = _sync(live_account)

    assert Campaign.objects.get(pk=rec.campaign_id).daily_budget == rec.current_value
    assert run.fields_kept == 1
    recover_executions(now=timezone.now())
    assert Recommendation.objects.get(pk=rec.pk).status == R.EXECUTED
    assert Campaign.objects.get(pk=rec.campaign_id).daily_budget == rec.proposed_value
