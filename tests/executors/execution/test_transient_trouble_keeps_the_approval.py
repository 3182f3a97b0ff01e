"""Transient trouble never fails an approval: it waits (APPROVED, not before a time) and is
tried again until it expires; FAILED is kept for refusals a retry cannot fix."""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models import (
    Alert,
    AlertKind,
    Campaign,
    CampaignStatus,
    Recommendation,
    RecommendationStatus,
)
from executors import senders
from executors.models import ExecutionLog
from executors.pipeline import execute_approved, execute_recommendation
from executors.pipeline import run as execute
from executors.resilience import breaker_record_failure
from tests.executors.execution.conftest import (
    approved_budget,
    platform_budget,
    sandbox_writes,
    set_faults,
)

R = RecommendationStatus


@pytest.fixture(autouse=True)
def _no_wait(monkeypatch):
    monkeypatch.setattr(senders, "backoff_seconds", lambda attempt, asked: 0)


def test_a_change_throttled_on_every_attempt_stays_approved_with_a_time_to_try_again(
    sandbox, live_account, alice
):
    set_faults(sandbox, rate=1.0, kinds=["429"], writesOnly=True, retryAfter=0)
    rec = approved_budget(live_account, alice.approver)

    done = execute_recommendation(rec.pk)

    assert done.status == R.APPROVED
    assert done.not_before is not None and done.not_before > timezone.now()
    assert "429" in done.outcome_detail
    assert ExecutionLog.objects.filter(recommendation=rec).count() == execute.WRITE_ATTEMPTS
    assert Campaign.objects.get(pk=rec.campaign_id).status == CampaignStatus.ACTIVE
    assert not Alert.objects.filter(kind=AlertKind.EXECUTION_FAILED).exists()
    assert done.history.first().history_change_reason.startswith("Waiting until")


def test_a_waiting_change_is_not_tried_before_its_time_and_lands_after_it(
    sandbox, live_account, alice
):
    set_faults(sandbox, rate=1.0, kinds=["429"], writesOnly=True, retryAfter=0)
    rec = approved_budget(live_account, alice.approver)
    execute_recommendation(rec.pk)
    set_faults(sandbox, rate=0)

    assert execute_recommendation(rec.pk).status == R.APPROVED  # too early
    assert sandbox_writes(sandbox)["writes"] == []
    Recommendation.objects.filter(pk=rec.pk).update(not_before=timezone.now())
    counts = execute_approved(account=live_account)

    assert counts == {R.EXECUTED: 1}
    assert platform_budget(sandbox, "CMP-0001") == rec.proposed_value


def test_an_open_breaker_holds_the_change_until_the_breaker_may_be_tried(
    sandbox, live_account, alice, settings
):
    for _ in range(settings.BREAKER_FAILURE_THRESHOLD):
        breaker_record_failure(live_account, "503 from the platform")
    rec = approved_budget(live_account, alice.approver)

    done = execute_recommendation(rec.pk)

    assert done.status == R.APPROVED
    assert done.not_before is not None and done.not_before > timezone.now()
    assert "circuit breaker open" in done.outcome_detail


def test_a_change_still_waiting_when_it_expires_is_expired_with_the_reason_and_an_alert(
    sandbox, live_account, alice
):
    set_faults(sandbox, rate=1.0, kinds=["429"], writesOnly=True, retryAfter=0)
    rec = approved_budget(
        live_account, alice.approver, expires_at=timezone.now() + timedelta(hours=1)
    )
    execute_recommendation(rec.pk)
    Recommendation.objects.filter(pk=rec.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    counts = execute_approved(account=live_account)

    expired = Recommendation.objects.get(pk=rec.pk)
    assert counts.get(R.EXPIRED) == 1
    assert expired.status == R.EXPIRED
    assert "before it could be applied" in expired.outcome_detail
    assert "429" in expired.outcome_detail
    alert = Alert.objects.get(dedup_key=f"execution_expired:{rec.pk}")
    assert alert.account == live_account
    assert sandbox_writes(sandbox)["writes"] == []


def test_an_approval_that_never_met_trouble_is_not_expired_by_the_sweep(
    sandbox, live_account, alice
):
    rec = approved_budget(live_account, alice.approver)
    Recommendation.objects.filter(pk=rec.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )

    counts = execute_approved(account=live_account)

    assert counts == {R.EXECUTED: 1}
    assert Recommendation.objects.get(pk=rec.pk).status == R.EXECUTED


def test_a_google_batch_throttled_as_a_whole_waits_instead_of_failing(
    sandbox, google_account, alice
):
    campaigns = Campaign.objects.filter(account=google_account).order_by("external_id")[:3]
    recs = [
        approved_budget(google_account, alice.approver, external_id=c.external_id)
        for c in campaigns
    ]
    set_faults(sandbox, rate=1.0, kinds=["429"], writesOnly=True, retryAfter=0)

    execute_approved(account=google_account)

    statuses = set(
        Recommendation.objects.filter(pk__in=[r.pk for r in recs]).values_list("status", flat=True)
    )
    assert statuses == {R.APPROVED}
    assert not Alert.objects.filter(kind=AlertKind.EXECUTION_FAILED).exists()
    assert set(
        Campaign.objects.filter(account=google_account).values_list("status", flat=True)
    ) == {CampaignStatus.ACTIVE}
