"""Within a reallocation, decreases land before increases: an increase waits while its
decrease is on its way and is blocked when the decrease cannot land, so the pool's total
on the platform never exceeds the approved one, not even between two writes."""

from datetime import timedelta
from decimal import Decimal

from campaigns.actors import system_user
from campaigns.models import Campaign, ChangeSet, Recommendation, RecommendationStatus
from campaigns.services.campaigns import campaign_lock_for_change
from campaigns.services.change_set_decisions import change_set_approve
from executors.pipeline import execute_approved, execute_recommendation
from tests.executors.execution.conftest import platform_budget, sandbox_writes

R = RecommendationStatus
SHIFT = Decimal("100.00")


def _reallocation(account, approver):
    """CMP-0001 gives SHIFT to CMP-0002, as one approved change set."""
    giver = Campaign.objects.get(account=account, external_id="CMP-0001")
    taker = Campaign.objects.get(account=account, external_id="CMP-0002")
    change_set = ChangeSet.objects.create(
        account=account,
        total_before=giver.daily_budget + taker.daily_budget,
        total_after=giver.daily_budget + taker.daily_budget,
    )
    legs = []
    # The increase is created first: order of decision must not be order of writing.
    for campaign, delta in ((taker, SHIFT), (giver, -SHIFT)):
        legs.append(
            Recommendation.objects.create(
                account=account,
                campaign=campaign,
                change_set=change_set,
                kind="budget",
                current_value=campaign.daily_budget,
                proposed_value=campaign.daily_budget + delta,
                reason="Reallocation inside the pool.",
            )
        )
    change_set_approve(change_set=change_set, actor=approver)
    increase, decrease = (Recommendation.objects.get(pk=leg.pk) for leg in legs)
    assert increase.status == decrease.status == R.APPROVED
    return increase, decrease


def _budget_paths(sandbox) -> list[str]:
    return [w["path"] for w in sandbox_writes(sandbox)["writes"]]


def test_the_decrease_is_written_before_the_increase(sandbox, live_account, alice):
    increase, decrease = _reallocation(live_account, alice.approver)
    total = platform_budget(sandbox, "CMP-0001") + platform_budget(sandbox, "CMP-0002")

    execute_approved(account=live_account)

    # The batch sends the decrease alone; the increase follows once it is applied.
    assert Recommendation.objects.get(pk=decrease.pk).status == R.EXECUTED
    assert Recommendation.objects.get(pk=increase.pk).status == R.EXECUTED
    assert _budget_paths(sandbox) == ["/campaign/CMP-0001", "/campaign/CMP-0002"]
    assert platform_budget(sandbox, "CMP-0001") + platform_budget(sandbox, "CMP-0002") == total


def test_an_increase_waits_while_its_decrease_is_held_up(sandbox, live_account, alice):
    increase, decrease = _reallocation(live_account, alice.approver)
    # Another writer holds the giver's lock: its decrease cannot go this round.
    campaign_lock_for_change(
        campaign=decrease.campaign,
        actor=system_user(),
        lease=timedelta(minutes=5),
        reason="another change is being written",
    )

    execute_approved(account=live_account)
    execute_recommendation(increase.pk)

    assert Recommendation.objects.get(pk=decrease.pk).status == R.APPROVED
    assert Recommendation.objects.get(pk=increase.pk).status == R.APPROVED
    assert sandbox_writes(sandbox)["writes"] == []


def test_an_increase_whose_decrease_was_blocked_is_blocked_too(sandbox, live_account, alice):
    increase, decrease = _reallocation(live_account, alice.approver)
    # Someone changed the giver's budget on the platform: its decrease is refused.
    sandbox.world.set_campaign_budget("CMP-0001", 1234.0)

    execute_approved(account=live_account)
    Recommendation.objects.filter(pk=increase.pk).update(not_before=None)
    execute_approved(account=live_account)

    assert Recommendation.objects.get(pk=decrease.pk).status == R.BLOCKED
    blocked = Recommendation.objects.get(pk=increase.pk)
    assert blocked.status == R.BLOCKED
    assert blocked.outcome_detail.startswith("change_set:")
    assert sandbox_writes(sandbox)["writes"] == []
