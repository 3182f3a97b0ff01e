"""A campaign pinned after its change was approved is left as it is: the pin wins."""

from campaigns.models import Campaign, RecommendationStatus
from campaigns.services.rollback import recommendation_rollback
from executors.pipeline import execute_recommendation
from tests.executors.execution.conftest import approved_budget, platform_budget, sandbox_writes


def test_an_approved_budget_change_of_a_pinned_campaign_is_blocked_saying_so(
    sandbox, live_account, alice
):
    rec = approved_budget(live_account, alice.approver)
    before = platform_budget(sandbox, "CMP-0001")
    Campaign.objects.filter(pk=rec.campaign_id).update(is_pinned=True)

    done = execute_recommendation(rec.pk)

    assert done.status == RecommendationStatus.BLOCKED
    assert done.outcome_detail.startswith("pinned:")
    assert platform_budget(sandbox, "CMP-0001") == before
    assert sandbox_writes(sandbox)["writes"] == []


def test_a_rollback_of_a_pinned_campaign_still_goes(sandbox, live_account, alice):
    rec = approved_budget(live_account, alice.approver)
    execute_recommendation(rec.pk)
    Campaign.objects.filter(pk=rec.campaign_id).update(is_pinned=True)
    rec.refresh_from_db()

    rollback = recommendation_rollback(recommendation=rec, actor=alice.approver, note="undo")
    done = execute_recommendation(rollback.pk)

    assert done.status == RecommendationStatus.EXECUTED
    assert platform_budget(sandbox, "CMP-0001") == rec.current_value
