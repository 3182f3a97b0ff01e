"""Any executed change, and any campaign version, can be rolled back through the executor."""

import pytest

from campaigns.models import Campaign, Recommendation, RecommendationStatus, Source
from campaigns.services.errors import ServiceError
from campaigns.services.rollback import campaign_rollback_to_version, recommendation_rollback
from executors.pipeline import execute_recommendation
from tests.executors.execution.conftest import approved_budget, platform_budget


def test_rolling_back_a_change_restores_the_platform_and_marks_the_original(
    sandbox, live_account, alice
):
    original = approved_budget(live_account, alice.approver)
    before = original.current_value
    execute_recommendation(original.pk)

    rollback = recommendation_rollback(
        recommendation=original, actor=alice.approver, note="Sales asked for the old budget"
    )
    done = execute_recommendation(rollback.pk)

    assert done.status == RecommendationStatus.EXECUTED
    assert (done.source, done.decided_by) == (Source.ROLLBACK, alice.approver)
    assert platform_budget(sandbox, "CMP-0001") == before
    assert Recommendation.objects.get(pk=original.pk).status == RecommendationStatus.ROLLED_BACK
    assert Campaign.objects.get(pk=original.campaign_id).daily_budget == before


def test_only_an_executed_change_can_be_rolled_back_and_only_by_an_approver(
    live_account, alice, bob
):
    rec = approved_budget(live_account, alice.approver)
    with pytest.raises(ServiceError, match="Only an executed change"):
        recommendation_rollback(recommendation=rec, actor=alice.approver)
    execute_recommendation(rec.pk)
    from django.core.exceptions import PermissionDenied

    for outsider in (alice.analyst, bob.approver):
        with pytest.raises(PermissionDenied):
            recommendation_rollback(recommendation=rec, actor=outsider)


def test_rolling_a_campaign_back_to_a_version_restores_its_budget(sandbox, live_account, alice):
    first = approved_budget(live_account, alice.approver)
    campaign = Campaign.objects.get(pk=first.campaign_id)
    version = campaign.history.order_by("history_date").first()
    execute_recommendation(first.pk)

    recs = campaign_rollback_to_version(
        campaign=campaign,
        history_id=version.history_id,
        actor=alice.approver,
        note="Back to launch settings",
    )
    for rec in recs:
        execute_recommendation(rec.pk)

    assert platform_budget(sandbox, "CMP-0001") == version.daily_budget
    assert Campaign.objects.get(pk=campaign.pk).daily_budget == version.daily_budget
    with pytest.raises(ServiceError, match="already matches"):
        campaign_rollback_to_version(
            campaign=campaign, history_id=version.history_id, actor=alice.approver
        )
