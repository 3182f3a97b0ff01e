"""Executing many approved budget changes of one account at once (the daily cycle's bulk).

Same promises as `executors.execute`, with the per-row work done per batch:
turns, campaign locks and claims are single conditional UPDATEs over the batch
(only rows still in the expected state move, so racing workers split the batch,
never share a row); guardrails run on rows read once; the platform's current
values are read in one listing (Adobe) or one query (Google); writes go out
concurrently under the rate limit (Adobe, one call each with its idempotency
key) or as one batched mutate (Google, up to 10,000 operations per request);
results, logs and history are written in bulk. Anything unusual (a block, a
failure) goes through the same per-recommendation services as a single
execution. Rollbacks and non-budget kinds take the single path.
"""

from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from campaigns.actors import system_user
from campaigns.guardrails import limits_of
from campaigns.models import (
    Campaign,
    CampaignStatus,
    ExecutionMode,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Source,
)
from campaigns.selectors import policy_for_account
from campaigns.services.recommendations import recommendation_block
from executors.checks import executed_today, execution_checks
from executors.clients.errors import PlatformError
from executors.execute import (
    LEASE,
    RATE_WAIT_S,
    WRITE_ATTEMPTS,
    _failed,
    _log,
    execute_recommendation,
)
from executors.models import ExecutionLog, ExecutionOutcome
from executors.resilience import (
    acquire,
    breaker_allow,
    breaker_record_failure,
    breaker_record_success,
)
from executors.writers import writer_for
from spectra.logging import redact_mapping

R = RecommendationStatus
CS = CampaignStatus


def execute_budget_batch(
    *,
    account,
    actor=None,
    now: datetime | None = None,
    client=None,
    limit: int = 5000,
    concurrency: int = 16,
) -> dict[str, int]:
    """Execute up to `limit` APPROVED budget changes of `account`; counts by outcome."""
    actor = actor or system_user()
    now = now or timezone.now()
    token = now + LEASE  # this call's mark on the rows it takes; unique to the microsecond
    recs = _take_turns(account, now, token, limit)
    if not recs:
        return {}
    counts: dict[str, int] = {}
    recs = _lock_campaigns(recs, actor, token, counts)
    try:
        return _execute(account, recs, actor, now, token, client, concurrency, counts)
    finally:
        _unlock_remaining([r.campaign_id for r in recs], actor, token)
        Recommendation.objects.filter(
            pk__in=[r.pk for r in recs], status=R.APPROVED, lease_expires_at=token
        ).update(lease_expires_at=None)


def _take_turns(account, now, token, limit) -> list[Recommendation]:
    ids = list(
        Recommendation.objects.filter(
            account=account,
            status=R.APPROVED,
            kind=RecommendationKind.BUDGET,
            rollback_of__isnull=True,
        )
        .exclude(source=Source.ROLLBACK)
        .order_by("decided_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    Recommendation.objects.filter(
        Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now),
        pk__in=ids,
        status=R.APPROVED,
    ).update(lease_expires_at=token)
    recs = list(
        Recommendation.objects.filter(pk__in=ids, status=R.APPROVED, lease_expires_at=token)
        .select_related("account", "decided_by")
        .order_by("decided_at", "pk")
    )
    # One change per campaign per batch: the rest wait for the next round.
    seen, first = set(), []
    for rec in recs:
        if rec.campaign_id not in seen:
            seen.add(rec.campaign_id)
            first.append(rec)
    firsts = {r.pk for r in first}
    later = [r.pk for r in recs if r.pk not in firsts]
    Recommendation.objects.filter(pk__in=later).update(lease_expires_at=None)
    return first


def _lock_campaigns(recs, actor, token, counts) -> list[Recommendation]:
    """ACTIVE → OPTIMIZING for the batch's campaigns in one UPDATE, with history."""
    ids = [r.campaign_id for r in recs]
    with transaction.atomic():
        Campaign.objects.filter(pk__in=ids, status=CS.ACTIVE).update(
            status=CS.OPTIMIZING, lock_expires_at=token
        )
        locked = {
            c.pk: c
            for c in Campaign.objects.filter(
                pk__in=ids, status=CS.OPTIMIZING, lock_expires_at=token
            )
        }
        Campaign.history.bulk_history_create(
            list(locked.values()),
            default_user=actor,
            default_change_reason="Executing a batch of budget changes",
        )
    ready = []
    for rec in recs:
        campaign = locked.get(rec.campaign_id)
        if campaign is None:
            current = Campaign.objects.get(pk=rec.campaign_id)
            if current.status != CS.OPTIMIZING:  # paused, archived…: it cannot be changed
                recommendation_block(
                    recommendation=rec,
                    actor=actor,
                    rule="campaign_state",
                    detail=f"the campaign is {current.get_status_display()}",
                )
                counts[R.BLOCKED] = counts.get(R.BLOCKED, 0) + 1
            continue  # locked by another writer: next round
        rec.campaign = campaign
        ready.append(rec)
    return ready


def _unlock_remaining(campaign_ids, actor, token) -> None:
    with transaction.atomic():
        still = list(
            Campaign.objects.filter(
                pk__in=campaign_ids, status=CS.OPTIMIZING, lock_expires_at=token
            )
        )
        Campaign.objects.filter(pk__in=[c.pk for c in still]).update(
            status=CS.ACTIVE, lock_expires_at=None
        )
        Campaign.history.bulk_history_create(
            list(Campaign.objects.filter(pk__in=[c.pk for c in still])),
            default_user=actor,
            default_change_reason="Batch finished without changing this campaign",
        )


def _execute(account, recs, actor, now, token, client, concurrency, counts):
    def count(status, n=1):
        counts[status] = counts.get(status, 0) + n

    limits = limits_of(policy_for_account(account))
    done_today = executed_today(account, now)
    writer = writer_for(account, client)
    go = []
    for rec in recs:
        verdict = execution_checks(rec, limits=limits, now=now, done_today=done_today)
        if not verdict.ok:
            _log(
                rec,
                action=f"{account.platform}.budget",
                outcome=ExecutionOutcome.BLOCKED,
                detail=f"{verdict.rule}: {verdict.detail}",
            )
            recommendation_block(
                recommendation=rec, actor=actor, rule=verdict.rule, detail=verdict.detail
            )
            count(R.BLOCKED)
            continue
        go.append(rec)
        done_today += 1
    if not go:
        return counts
    if account.execution_mode == ExecutionMode.DRY_RUN:
        Recommendation.objects.filter(pk__in=[r.pk for r in go]).update(lease_expires_at=None)
        for rec in go:  # a dry run writes nothing, so the single path costs no platform time
            count(execute_recommendation(rec.pk, actor=actor, client=client, now=now).status)
        return counts
    decision = breaker_allow(account)
    if not decision.allowed:
        return counts  # the breaker is open: everything waits for the next round
    try:
        current = writer.read_budgets([r.campaign.external_id for r in go])
    except PlatformError as exc:
        breaker_record_failure(account, str(exc))
        return counts
    claimable = []
    for rec in go:
        platform_value = current.get(rec.campaign.external_id)
        if platform_value != rec.current_value:
            detail = (
                f"the platform shows {platform_value}, the proposal was based on "
                f"{rec.current_value}"
            )
            recommendation_block(
                recommendation=rec, actor=actor, rule="changed outside Spectra", detail=detail
            )
            count(R.BLOCKED)
        else:
            claimable.append(rec)
    claimed = _claim(claimable, actor, token)
    outcomes = writer.send_budgets(
        [(rec, writer.prepare(rec)) for rec in claimed],
        concurrency=concurrency,
        pace=lambda n: acquire(account, n, timeout=RATE_WAIT_S),
        attempts=WRITE_ATTEMPTS,
    )
    _record(account, claimed, outcomes, actor, count)
    return counts


def _claim(recs, actor, token) -> list[Recommendation]:
    """APPROVED → EXECUTING for the batch in one conditional UPDATE, with history."""
    if not recs:
        return []
    lease = token + LEASE
    with transaction.atomic():
        Recommendation.objects.filter(
            pk__in=[r.pk for r in recs], status=R.APPROVED, lease_expires_at=token
        ).update(
            status=R.EXECUTING,
            lease_expires_at=lease,
            attempts=F("attempts") + 1,
            updated_at=timezone.now(),
        )
        claimed = list(
            Recommendation.objects.filter(
                pk__in=[r.pk for r in recs], status=R.EXECUTING, lease_expires_at=lease
            )
        )
        Recommendation.history.bulk_history_create(
            claimed, default_user=actor, default_change_reason="Claimed for execution (batch)"
        )
    by_pk = {r.pk: r for r in recs}
    for rec in claimed:
        rec.campaign, rec.account = by_pk[rec.pk].campaign, by_pk[rec.pk].account
    return claimed


def _record(account, claimed, outcomes, actor, count) -> None:
    """Logs, states and Spectra's budgets in bulk; failures one by one with their alert."""
    now = timezone.now()
    logs, succeeded = [], []
    for rec, outcome in zip(claimed, outcomes, strict=True):
        for attempt, (result, error, latency) in enumerate(outcome.attempts, start=1):
            logs.append(
                ExecutionLog(
                    recommendation=rec,
                    account=account,
                    action=outcome.action,
                    mode=account.execution_mode,
                    attempt=attempt,
                    idempotency_key=rec.idempotency_key,
                    request=redact_mapping(outcome.request),
                    response=redact_mapping(result or {}),
                    latency_ms=latency,
                    outcome=(
                        ExecutionOutcome.SUCCEEDED
                        if error is None
                        else ExecutionOutcome.RETRYING
                        if attempt < len(outcome.attempts) or outcome.unknown
                        else ExecutionOutcome.FAILED
                    ),
                    detail=str(error or "")[:2000],
                )
            )
        if outcome.ok:
            succeeded.append(rec)
    ExecutionLog.objects.bulk_create(logs, batch_size=2000)
    if succeeded:
        breaker_record_success(account)
        _finish_succeeded(succeeded, actor, now)
        count(R.EXECUTED, len(succeeded))
    for rec, outcome in zip(claimed, outcomes, strict=True):
        if outcome.unknown:
            count(R.EXECUTING)  # left to recovery: it reads back before anything is resent
        elif not outcome.ok:
            if outcome.retryable:
                breaker_record_failure(account, outcome.error)
            _failed(rec, actor, outcome.error)
            count(R.FAILED)


def _finish_succeeded(recs, actor, now) -> None:
    ids = [r.pk for r in recs]
    with transaction.atomic():
        Recommendation.objects.filter(pk__in=ids, status=R.EXECUTING).update(
            status=R.EXECUTED,
            executed_at=now,
            lease_expires_at=None,
            updated_at=now,
            outcome_detail="applied",
        )
        Recommendation.history.bulk_history_create(
            list(Recommendation.objects.filter(pk__in=ids)),
            default_user=actor,
            default_change_reason="Executed on the platform",
            default_date=now,
        )
        campaigns = [rec.campaign for rec in recs]
        # One executemany UPDATE: bulk_update's CASE per row costs seconds at 5,000 rows.
        table = connection.ops.quote_name(Campaign._meta.db_table)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET daily_budget = %s, last_significant_change_at = %s, "
                "lock_expires_at = NULL WHERE id = %s",
                [(rec.proposed_value, now, rec.campaign_id) for rec in recs],
            )
        Campaign.objects.filter(pk__in=[c.pk for c in campaigns], status=CS.OPTIMIZING).update(
            status=CS.ACTIVE
        )
        by_campaign = {r.campaign_id: r.pk for r in recs}
        fresh = list(Campaign.objects.filter(pk__in=list(by_campaign)))
        for campaign in fresh:
            campaign._change_reason = f"Executed recommendation #{by_campaign[campaign.pk]}"
        Campaign.history.bulk_history_create(fresh, default_user=actor, default_date=now)


def execute_approved(*, account, actor=None, limit: int | None = None) -> dict[str, int]:
    """Carry out every APPROVED recommendation of an account: budget changes as a batch,
    everything else (and what the batch left) one by one, oldest decision first."""
    counts = execute_budget_batch(account=account, actor=actor)
    ids = list(
        Recommendation.objects.filter(account=account, status=R.APPROVED)
        .order_by("decided_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    for rec_id in ids:
        status = execute_recommendation(rec_id, actor=actor).status
        counts[status] = counts.get(status, 0) + 1
    return {status: n for status, n in counts.items() if status != R.APPROVED}
