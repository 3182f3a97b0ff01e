"""Rolling a campaign back to a version marks every change it undoes ROLLED_BACK."""

from campaigns.models import Campaign, Recommendation, RecommendationStatus
from campaigns.services.rollback import campaign_rollback_to_version
from executors.pipeline import execute_recommendation
from tests.executors.execution.conftest import approved_budget, platform_budget

R = RecommendationStatus


def test_the_budget_changes_since_the_version_are_rolled_back_once_the_restore_executes(
    sandbox, live_account, alice
):
    first = approved_budget(live_account, alice.approver)
    campaign = Campaign.objects.get(pk=first.campaign_id)
    version = campaign.history.order_by("history_date").first()
    execute_recommendation(first.pk)
    Campaign.objects.filter(pk=campaign.pk).update(last_significant_change_at=None)
    second = approved_budget(live_account, alice.approver, factor="1.10")
    assert execute_recommendation(second.pk).status == R.EXECUTED

    [restore] = campaign_rollback_to_version(
        campaign=campaign, history_id=version.history_id, actor=alice.approver
    )
    assert Recommendation.objects.get(pk=first.pk).status == R.EXECUTED  # not before it runs
    assert execute_recommendation(restore.pk).status == R.EXECUTED

    assert platform_budget(sandbox, "CMP-0001") == version.daily_budget
    assert Recommendation.objects.get(pk=first.pk).status == R.ROLLED_BACK
    assert Recommendation.objects.get(pk=second.pk).status == R.ROLLED_BACK
    original = Recommendation.objects.get(pk=first.pk)
    assert original.history.first().history_change_reason == (
        f"Rolled back by recommendation #{restore.pk}"
    )


def test_changes_of_another_campaign_are_left_alone(sandbox, live_account, alice):
    other = approved_budget(live_account, alice.approver, external_id="CMP-0002")
    execute_recommendation(other.pk)
    first = approved_budget(live_account, alice.approver)
    campaign = Campaign.objects.get(pk=first.campaign_id)
    version = campaign.history.order_by("history_date").first()
    execute_recommendation(first.pk)

    [restore] = campaign_rollback_to_version(
        campaign=campaign, history_id=version.history_id, actor=alice.approver
    )
    execute_recommendation(restore.pk)

    assert Recommendation.objects.get(pk=first.pk).status == R.ROLLED_BACK
    assert Recommendation.objects.get(pk=other.pk).status == R.EXECUTED
