"""An approved budget change reaches the platform once and Spectra follows it."""

from campaigns.actors import SYSTEM_USERNAME
from campaigns.models import Campaign, CampaignStatus, RecommendationStatus
from executors.models import ExecutionLog
from executors.pipeline import execute_recommendation
from tests.executors.execution.conftest import approved_budget, platform_budget, sandbox_writes


def test_an_approved_budget_change_is_written_once_with_its_key(sandbox, live_account, alice):
    rec = approved_budget(live_account, alice.approver)

    done = execute_recommendation(rec.pk)

    assert done.status == RecommendationStatus.EXECUTED
    assert platform_budget(sandbox, "CMP-0001") == rec.proposed_value
    writes = sandbox_writes(sandbox)
    assert [w["idempotencyKey"] for w in writes["writes"]] == [str(rec.idempotency_key)]
    log = ExecutionLog.objects.get(recommendation=rec)
    assert (log.outcome, log.mode, log.action) == ("succeeded", "live", "adobe.campaign_budget")
    assert log.request["body"] == {
        "budget": {"allocated": float(rec.proposed_value), "currency": "INR"}
    }


def test_spectra_records_the_new_budget_with_history_and_releases_the_lock(live_account, alice):
    rec = approved_budget(live_account, alice.approver)

    execute_recommendation(rec.pk)

    campaign = Campaign.objects.get(pk=rec.campaign_id)
    assert campaign.daily_budget == rec.proposed_value
    assert campaign.status == CampaignStatus.ACTIVE
    assert campaign.last_significant_change_at is not None
    change = campaign.history.filter(history_change_reason__startswith="Executed").get()
    assert change.daily_budget == rec.proposed_value
    assert change.history_user.username == SYSTEM_USERNAME
    assert f"Executed recommendation #{rec.pk}" in change.history_change_reason


def test_executing_again_writes_nothing_more(sandbox, live_account, alice):
    rec = approved_budget(live_account, alice.approver)

    execute_recommendation(rec.pk)
    execute_recommendation(rec.pk)

    assert len(sandbox_writes(sandbox)["writes"]) == 1
    assert ExecutionLog.objects.filter(recommendation=rec).count() == 1
