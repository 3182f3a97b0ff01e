"""The executor on Google Ads: mutates, validate_only dry runs, read-back of lost answers."""

from campaigns.models import Campaign, ExecutionMode, RecommendationStatus
from executors.clients.errors import OutcomeUnknown
from executors.clients.google_ads import GoogleAdsClient
from executors.models import ExecutionLog
from executors.pipeline import execute_recommendation
from tests.executors.execution.conftest import approved_budget, platform_budget, sandbox_writes
from tests.factories import make_audience, make_recommendation


def _external(account) -> str:
    return Campaign.objects.filter(account=account).order_by("external_id").first().external_id


def _world_id(external_id: str) -> str:
    return f"CMP-{int(external_id):04d}"  # the sandbox maps CMP-0001 to Google campaign 1


def test_an_approved_budget_reaches_google_once(sandbox, google_account, alice):
    ext = _external(google_account)
    rec = approved_budget(google_account, alice.approver, external_id=ext)

    done = execute_recommendation(rec.pk)

    assert done.status == RecommendationStatus.EXECUTED, done.outcome_detail
    assert platform_budget(sandbox, _world_id(ext)) == rec.proposed_value
    writes = sandbox_writes(sandbox)["writes"]
    assert len(writes) == 1 and writes[0].get("platform") == "google_ads"
    assert ExecutionLog.objects.get(recommendation=rec).action == "google_ads.campaign_budgets"


def test_a_google_dry_run_validates_and_changes_nothing(sandbox, google_account, alice):
    google_account.execution_mode = ExecutionMode.DRY_RUN
    google_account.save(update_fields=["execution_mode"])
    ext = _external(google_account)
    rec = approved_budget(google_account, alice.approver, external_id=ext)
    before = platform_budget(sandbox, _world_id(ext))

    done = execute_recommendation(rec.pk)

    assert done.status == RecommendationStatus.SIMULATED
    assert done.simulated_request["validateOnly"] is True
    assert done.simulated_request["validation"] == "ok"
    assert platform_budget(sandbox, _world_id(ext)) == before
    assert sandbox_writes(sandbox)["writes"] == []


def test_a_lost_answer_is_resolved_by_reading_back_not_by_resending(
    sandbox, google_account, alice, monkeypatch
):
    ext = _external(google_account)
    rec = approved_budget(google_account, alice.approver, external_id=ext)
    real = GoogleAdsClient.set_campaign_budgets

    def applied_but_lost(self, changes, **kwargs):
        real(self, changes, **kwargs)
        raise OutcomeUnknown(
            "connection reset after the mutate was sent", unknown=[c[0] for c in changes]
        )

    monkeypatch.setattr(GoogleAdsClient, "set_campaign_budgets", applied_but_lost)

    done = execute_recommendation(rec.pk)

    assert done.status == RecommendationStatus.EXECUTED
    assert len(sandbox_writes(sandbox)["writes"]) == 1
    logs = ExecutionLog.objects.filter(recommendation=rec).order_by("pk")
    # The attempt without an answer, then the read-back that found it applied.
    assert list(logs.values_list("outcome", flat=True)) == ["retrying", "reconciled"]


def test_audiences_are_not_a_google_change(google_account, alice):
    campaign = Campaign.objects.filter(account=google_account).first()
    rec = make_recommendation(
        campaign,
        kind="audience_suppress",
        audience=make_audience(google_account),
        current_value=None,
        proposed_value=None,
        status=RecommendationStatus.APPROVED,
    )

    done = execute_recommendation(rec.pk)

    assert done.status == RecommendationStatus.BLOCKED
    assert "unsupported" in done.outcome_detail
