"""The Adobe batch in chunks: one written while the next is claimed and the last recorded.

Chunks of two over the sandbox's six campaigns, so every test crosses chunk
boundaries: order, exactly-once, a failing chunk, a crash mid-batch, the kill
switch and the daily quota between chunks.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.actors import system_user
from campaigns.models import (
    Alert,
    AlertKind,
    Campaign,
    CampaignStatus,
    GuardrailPolicy,
    Recommendation,
    RecommendationStatus,
)
from campaigns.services.switch import organization_execution_set
from executors import senders
from executors.clients.errors import PlatformError, PlatformUnavailable
from executors.models import ExecutionLog
from executors.pipeline import (
    LEASE,
    execute_approved,
    execute_batch,
    record,
    recover_executions,
    run,
)
from executors.resilience import quota_used
from executors.writers import AdobeWriter
from tests.executors.execution.conftest import approved_budget, platform_budget, sandbox_writes

R = RecommendationStatus


@pytest.fixture
def six(live_account, alice, monkeypatch):
    """Six approved budget changes, oldest decision first, in chunks of two."""
    monkeypatch.setattr(AdobeWriter, "chunk", 2)
    GuardrailPolicy.objects.create(organization=alice.org, max_changes_per_run=None)
    return [
        approved_budget(live_account, alice.approver, external_id=f"CMP-{n:04d}")
        for n in range(1, 7)
    ]


def _keys(sandbox) -> list[str]:
    return [w["idempotencyKey"] for w in sandbox_writes(sandbox)["writes"]]


def _statuses(recs) -> list[str]:
    return [Recommendation.objects.get(pk=r.pk).status for r in recs]


def test_chunks_go_out_in_decision_order_and_a_refused_chunk_fails_alone(
    sandbox, live_account, six, monkeypatch
):
    refused = {"CMP-0003", "CMP-0004"}  # the whole second chunk
    real_send = AdobeWriter.send

    def send(self, prepared, *, key):
        if prepared.target in refused:
            raise PlatformError("Adobe refused the budget (400): invalid amount", status=400)
        return real_send(self, prepared, key=key)

    monkeypatch.setattr(AdobeWriter, "send", send)

    counts = execute_batch(account=live_account, concurrency=1)

    assert counts == {R.EXECUTED: 4, R.FAILED: 2}
    written = [six[i] for i in (0, 1, 4, 5)]
    assert _keys(sandbox) == [str(r.idempotency_key) for r in written]
    assert _statuses(six) == [R.EXECUTED, R.EXECUTED, R.FAILED, R.FAILED, R.EXECUTED, R.EXECUTED]
    assert Alert.objects.filter(kind=AlertKind.EXECUTION_FAILED).count() == 2
    for rec in six:
        campaign = Campaign.objects.get(pk=rec.campaign_id)
        expected = rec.current_value if campaign.external_id in refused else rec.proposed_value
        assert (campaign.status, campaign.daily_budget) == (CampaignStatus.ACTIVE, expected)
        assert platform_budget(sandbox, campaign.external_id) == expected
    assert list(ExecutionLog.objects.order_by("outcome").values_list("outcome", flat=True)) == [
        "failed",
        "failed",
        *["succeeded"] * 4,
    ]


def test_an_executed_change_leaves_one_campaign_history_row_naming_it(sandbox, live_account, six):
    before = {r.campaign_id: Campaign.objects.get(pk=r.campaign_id).history.count() for r in six}

    execute_batch(account=live_account)

    for rec in six:
        campaign = Campaign.objects.get(pk=rec.campaign_id)
        latest = campaign.history.latest()
        assert campaign.history.count() == before[rec.campaign_id] + 1  # no lock/unlock rows
        assert latest.history_change_reason == f"Executed recommendation #{rec.pk}"
        assert (latest.daily_budget, latest.status) == (rec.proposed_value, CampaignStatus.ACTIVE)
        assert (latest.history_type, latest.history_user) == ("~", system_user())
        rec.refresh_from_db()
        claimed, executed = list(rec.history.order_by("history_id"))[-2:]
        assert (claimed.status, executed.status) == (R.EXECUTING, R.EXECUTED)
        assert claimed.history_change_reason == "Claimed for execution"
        assert executed.history_date == rec.executed_at


def test_a_crash_while_recording_a_chunk_loses_nothing_and_applies_nothing_twice(
    sandbox, live_account, six, monkeypatch
):
    real_finish = record.recommendations_mark_executed_bulk
    finished = []

    def finish_then_crash(**kwargs):
        if finished:
            raise RuntimeError("the worker died while recording its second chunk")
        finished.append(kwargs["recs"])
        real_finish(**kwargs)

    monkeypatch.setattr(record, "recommendations_mark_executed_bulk", finish_then_crash)

    with pytest.raises(RuntimeError, match="second chunk"):
        execute_batch(account=live_account)

    # Nothing half-held: a change is done, in doubt (EXECUTING, its campaign still
    # locked until recovery reads it back) or free for the next round.
    for rec in Recommendation.objects.filter(pk__in=[r.pk for r in six]):
        campaign = Campaign.objects.get(pk=rec.campaign_id)
        if rec.status == R.EXECUTING:
            assert campaign.status == CampaignStatus.OPTIMIZING
        else:
            assert rec.status in (R.EXECUTED, R.APPROVED)
            assert rec.lease_expires_at is None
            assert campaign.status == CampaignStatus.ACTIVE
    assert _statuses(six)[:4] == [R.EXECUTED] * 2 + [R.EXECUTING] * 2  # sent, not recorded

    monkeypatch.setattr(record, "recommendations_mark_executed_bulk", real_finish)
    recover_executions(now=timezone.now() + 2 * LEASE + timedelta(minutes=1))
    execute_approved(account=live_account)

    assert _statuses(six) == [R.EXECUTED] * 6
    keys = _keys(sandbox)
    assert sorted(keys) == sorted(str(r.idempotency_key) for r in six)
    assert sandbox_writes(sandbox)["duplicates"] == 0
    for rec in six:
        campaign = Campaign.objects.get(pk=rec.campaign_id)
        assert (campaign.status, campaign.daily_budget) == (
            CampaignStatus.ACTIVE,
            rec.proposed_value,
        )


def test_the_kill_switch_flipped_mid_batch_blocks_the_chunks_not_yet_claimed(
    sandbox, live_account, six, alice, monkeypatch
):
    real_claim = run.recommendations_claim_bulk

    def claim_then_switch_off(**kwargs):
        claimed = real_claim(**kwargs)
        organization_execution_set(
            organization=alice.org, actor=alice.admin, enabled=False, reason="incident"
        )
        return claimed

    monkeypatch.setattr(run, "recommendations_claim_bulk", claim_then_switch_off)

    counts = execute_batch(account=live_account)

    assert counts == {R.EXECUTED: 2, R.BLOCKED: 4}
    assert sorted(_keys(sandbox)) == sorted(str(r.idempotency_key) for r in six[:2])
    for rec in six[2:]:
        rec.refresh_from_db()
        assert rec.status == R.BLOCKED
        assert rec.outcome_detail.startswith("kill_switch")
    assert not Campaign.objects.filter(status=CampaignStatus.OPTIMIZING).exists()


def test_a_quota_spent_mid_batch_leaves_the_rest_approved_for_tomorrow(
    sandbox, live_account, six, settings
):
    # Room for the read-back and the first chunk's two writes, no more.
    limit = quota_used(live_account) + 1 + 2
    settings.PLATFORM_DAILY_OPERATIONS = {**settings.PLATFORM_DAILY_OPERATIONS, "adobe": limit}

    counts = execute_batch(account=live_account)

    assert counts == {R.EXECUTED: 2, R.APPROVED: 4}  # four wait for tomorrow's quota
    assert len(_keys(sandbox)) == 2
    assert _statuses(six) == [R.EXECUTED] * 2 + [R.APPROVED] * 4
    assert (
        not Recommendation.objects.filter(status=R.APPROVED).exclude(lease_expires_at=None).exists()
    )
    waiting = ExecutionLog.objects.filter(recommendation__in=six[2:])
    assert waiting.count() == 4
    assert all(
        detail.startswith("daily quota") for detail in waiting.values_list("detail", flat=True)
    )
    assert not Campaign.objects.filter(status=CampaignStatus.OPTIMIZING).exists()


def test_a_write_without_a_usable_answer_stays_in_doubt_until_recovery_reads_it_back(
    sandbox, live_account, six, monkeypatch
):
    monkeypatch.setattr(senders.random, "uniform", lambda low, high: 0)
    real_send = AdobeWriter.send

    def lands_then_no_answer(self, prepared, *, key):
        if prepared.target != "CMP-0003":
            return real_send(self, prepared, key=key)
        if key not in _keys(sandbox):
            real_send(self, prepared, key=key)  # applied, but the answer is lost
            raise PlatformUnavailable("Could not reach Adobe: connection reset")
        raise PlatformUnavailable("Adobe refused PATCH (503)", status=503)

    real_read = AdobeWriter.read

    def not_caught_up(self, recs):
        values = real_read(self, recs)
        if [r.pk for r in recs] == [six[2].pk]:  # the read-back right after the lost answer
            values[six[2].pk] = six[2].current_value  # eventual consistency: the old value
        return values

    monkeypatch.setattr(AdobeWriter, "send", lands_then_no_answer)
    monkeypatch.setattr(AdobeWriter, "read", not_caught_up)

    counts = execute_batch(account=live_account)

    doubtful = Recommendation.objects.get(pk=six[2].pk)
    campaign = Campaign.objects.get(pk=doubtful.campaign_id)
    assert counts == {R.EXECUTED: 5, R.EXECUTING: 1}
    assert doubtful.status == R.EXECUTING  # not FAILED: the platform may (and did) apply it
    assert not Alert.objects.exists()
    # Locked until recovery settles it, and both marks run out together.
    assert campaign.status == CampaignStatus.OPTIMIZING
    assert campaign.lock_expires_at == doubtful.lease_expires_at

    monkeypatch.setattr(AdobeWriter, "send", real_send)
    monkeypatch.setattr(AdobeWriter, "read", real_read)
    recover_executions(now=doubtful.lease_expires_at + timedelta(seconds=1))

    doubtful.refresh_from_db()
    campaign.refresh_from_db()
    assert doubtful.status == R.EXECUTED
    assert (campaign.status, campaign.daily_budget) == (
        CampaignStatus.ACTIVE,
        six[2].proposed_value,
    )
    assert _keys(sandbox).count(str(doubtful.idempotency_key)) == 1
    assert sandbox_writes(sandbox)["duplicates"] == 0
