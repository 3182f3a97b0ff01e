"""The batch path: many budget changes at once, same guardrails, same single writes."""

import requests

from campaigns.models import Campaign, CampaignStatus, GuardrailPolicy, RecommendationStatus
from executors.models import ExecutionLog
from executors.pipeline import execute_approved, execute_batch
from tests.executors.execution.conftest import approved_budget, platform_budget, sandbox_writes
from tests.executors.execution.test_google_execution import _world_id


def test_a_batch_writes_each_change_once_and_updates_spectra(sandbox, live_account, alice):
    recs = [
        approved_budget(live_account, alice.approver, external_id=f"CMP-{n:04d}")
        for n in range(1, 7)
    ]

    counts = execute_batch(account=live_account)

    assert counts == {RecommendationStatus.EXECUTED: 6}
    writes = sandbox_writes(sandbox)["writes"]
    assert sorted(w["idempotencyKey"] for w in writes) == sorted(
        str(r.idempotency_key) for r in recs
    )
    for rec in recs:
        campaign = Campaign.objects.get(pk=rec.campaign_id)
        assert (campaign.status, campaign.daily_budget) == (
            CampaignStatus.ACTIVE,
            rec.proposed_value,
        )
        assert platform_budget(sandbox, campaign.external_id) == rec.proposed_value
        assert campaign.history.filter(
            history_change_reason=f"Executed recommendation #{rec.pk}"
        ).exists()
    assert ExecutionLog.objects.filter(outcome="succeeded").count() == 6


def test_a_batch_blocks_what_a_guardrail_or_an_outside_change_refuses(sandbox, live_account, alice):
    GuardrailPolicy.objects.create(organization=alice.org, max_changes_per_run=2)
    ok = [approved_budget(live_account, alice.approver, external_id=f"CMP-{n:04d}") for n in (1, 2)]
    over_limit = approved_budget(live_account, alice.approver, external_id="CMP-0003")
    requests.patch(
        f"{sandbox.base_url.rstrip('/')}/campaign/CMP-0001",
        headers=sandbox.headers(),
        json={"budget": {"allocated": 1234.0, "currency": "INR"}},
        timeout=10,
    ).raise_for_status()

    execute_approved(account=live_account)

    for rec in (*ok, over_limit):
        rec.refresh_from_db()
    assert ok[0].status == RecommendationStatus.BLOCKED
    assert "changed outside Spectra" in ok[0].outcome_detail
    assert ok[1].status == RecommendationStatus.EXECUTED
    assert over_limit.status == RecommendationStatus.BLOCKED
    assert "max_changes_per_run" in over_limit.outcome_detail
    assert (
        Campaign.objects.filter(account=live_account, status=CampaignStatus.OPTIMIZING).count() == 0
    )


def test_google_budgets_go_out_as_one_batched_mutate(
    sandbox,
    google_account,
    alice,
    monkeypatch,
):
    from executors.clients.google_ads import GoogleAdsClient

    calls = []
    real = GoogleAdsClient.set_campaign_budgets

    def counted(self, changes, **kwargs):
        calls.append(len(list(changes)))
        return real(self, changes, **kwargs)

    monkeypatch.setattr(GoogleAdsClient, "set_campaign_budgets", counted)
    externals = list(
        Campaign.objects.filter(account=google_account).values_list("external_id", flat=True)
    )
    recs = [approved_budget(google_account, alice.approver, external_id=e) for e in externals]

    counts = execute_approved(account=google_account)

    assert counts == {RecommendationStatus.EXECUTED: len(recs)}
    assert calls == [len(recs)]
    for rec in recs:
        ext = Campaign.objects.get(pk=rec.campaign_id).external_id
        assert platform_budget(sandbox, _world_id(ext)) == rec.proposed_value
