"""Executing many approved budget changes of one account at once (the daily cycle's bulk).

Same promises as `executors.execute`, with the per-row work done per batch:
turns, campaign locks and claims are single conditional UPDATEs over the batch
(only rows still in the expected state move, so racing workers split the batch,
never share a row); guardrails run on rows read once; the platform's current
values are read in one listing (Adobe) or one query (Google). Google's writes go
as one batched mutate (up to 10,000 operations per request). Adobe's are one call
each with its idempotency key, paced evenly under the rate limit, and pipelined:
the sending threads write one chunk while this thread claims the next and records
the previous (logs, states, budgets and history in bulk), so the bookkeeping hides
behind the rate-bound writes instead of adding to them. Before each chunk the kill
switch, the breaker and the daily quota are asked again. Anything unusual (a block,
a failure) goes through the same per-recommendation services as a single
execution. Rollbacks and non-budget kinds take the single path.
"""

from collections import deque
from concurrent.futures import wait
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from campaigns.actors import system_user
from campaigns.guardrails import limits_of
from campaigns.models import (
    Campaign,
    CampaignStatus,
    ExecutionMode,
    Platform,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Source,
)
from campaigns.redaction import redact_mapping
from campaigns.selectors import policy_for_account
from campaigns.services.history import copy_to_history
from campaigns.services.recommendations import (
    recommendation_block,
    recommendations_expire_waiting,
    recommendations_hold,
    recommendations_wait_bulk,
)
from campaigns.switches import writes_allowed
from executors.checks import BLOCK, WAIT, change_set_turn, executed_today, execution_checks
from executors.clients.errors import PlatformError
from executors.execute import (
    LEASE,
    RATE_WAIT_S,
    WRITE_ATTEMPTS,
    _failed,
    _log,
    execute_recommendation,
    just_written,
)
from executors.models import ExecutionLog, ExecutionOutcome
from executors.outcomes import not_before
from executors.resilience import (
    PacedCapacity,
    QuotaExhausted,
    acquire,
    breaker_allow,
    breaker_record_failure,
    breaker_record_success,
    breaker_release_probe,
    quota_reserve,
)
from executors.writers import writer_for

R = RecommendationStatus
CS = CampaignStatus
# Changes claimed, sent and recorded together: about 1.3 s of writes at 190 a second,
# long enough that recording one chunk hides behind sending the next.
CHUNK = 250
POLL_S = 0.01  # how soon this thread notices a finished chunk or a window to top up


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
    if account.platform == Platform.ADOBE:  # one call per change: all must go within the lease
        limit = min(limit, int(settings.PLATFORM_RATE_PER_SECOND * LEASE.total_seconds() / 2))
    recs = _take_turns(account, now, token, limit)
    if not recs:
        return {}
    counts: dict[str, int] = {}
    recs = _lock_campaigns(account, recs, token, counts, actor)
    try:
        return _execute(account, recs, actor, now, token, client, concurrency, counts)
    finally:
        _unlock_remaining(account, token)
        Recommendation.objects.filter(
            account=account, status=R.APPROVED, lease_expires_at=token
        ).update(lease_expires_at=None)


def _take_turns(account, now, token, limit) -> list[Recommendation]:
    """Mark up to `limit` free APPROVED budget changes with `token`, in one conditional
    UPDATE: racing workers split them, never share one."""
    free = Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now)
    due = Q(not_before__isnull=True) | Q(not_before__lte=now)
    oldest = (
        Recommendation.objects.filter(
            free,
            due,
            account=account,
            status=R.APPROVED,
            kind=RecommendationKind.BUDGET,
            rollback_of__isnull=True,
        )
        .exclude(source=Source.ROLLBACK)
        .order_by("decided_at", "pk")
        .values("pk")[:limit]
    )
    Recommendation.objects.filter(free, pk__in=oldest, status=R.APPROVED).update(
        lease_expires_at=token
    )
    recs = list(
        Recommendation.objects.filter(account=account, status=R.APPROVED, lease_expires_at=token)
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


def _lock_campaigns(account, recs, token, counts, actor) -> list[Recommendation]:
    """ACTIVE → OPTIMIZING for the batch's campaigns in one conditional UPDATE.

    The lock is the promise against concurrent writers; it is held for seconds and
    leaves no history row of its own (nor does its release): the campaign's history
    gets one row per change, the outcome, written when the change is recorded.
    """
    turns = Recommendation.objects.filter(
        account=account, status=R.APPROVED, lease_expires_at=token
    ).values("campaign_id")
    Campaign.objects.filter(pk__in=turns, status=CS.ACTIVE).update(
        status=CS.OPTIMIZING, lock_expires_at=token
    )
    locked = {
        c.pk: c
        for c in Campaign.objects.filter(
            account=account, status=CS.OPTIMIZING, lock_expires_at=token
        )
    }
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


def _unlock(campaign_ids, token) -> None:
    Campaign.objects.filter(
        pk__in=list(campaign_ids), status=CS.OPTIMIZING, lock_expires_at=token
    ).update(status=CS.ACTIVE, lock_expires_at=None)


def _unlock_remaining(account, token) -> None:
    """Give back the locks still held, except where a change is in doubt (EXECUTING):
    that campaign stays locked until recovery has read the platform back."""
    in_doubt = Recommendation.objects.filter(
        account=account, status=R.EXECUTING, lease_expires_at=token
    ).values("campaign_id")
    Campaign.objects.filter(account=account, status=CS.OPTIMIZING, lock_expires_at=token).exclude(
        pk__in=in_doubt
    ).update(status=CS.ACTIVE, lock_expires_at=None)


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
            _block(rec, actor, verdict.rule, verdict.detail)
            count(R.BLOCKED)
            continue
        # Decided on the rows as they are before this batch: an increase never goes out
        # beside its own decrease, since the two would be sent at the same time. Left
        # to the single path after the batch, which finds its decreases applied by then
        # (or holds it until they are).
        turn, why = change_set_turn(rec)
        if turn == WAIT:
            continue
        if turn == BLOCK:
            _block(rec, actor, "change_set", why)
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
    if _not_now(account, go, operations=1, mutate=False):
        return counts  # the breaker is open or the quota spent: everything waits
    try:
        current = writer.read_budgets([r.campaign.external_id for r in go])
    except PlatformError as exc:
        breaker_record_failure(account, str(exc))
        _hold(account, go, f"could not read the current budgets: {exc}")
        return counts
    # The platform answered. If this read was the half-open probe, that closes the
    # breaker — without it the batch's own writes below were refused by the probe
    # it still held, and every change of the account waited for good.
    breaker_record_success(account)
    claimable = []
    for rec in go:
        platform_value = current.get(rec.campaign.external_id)
        if rec.attempts and platform_value == rec.proposed_value:
            continue  # an earlier attempt landed: the single path reconciles it
        if platform_value != rec.current_value and just_written(rec, platform_value):
            _hold(account, [rec], "the platform's reads have not caught up with a recent write")
            continue
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
    if not claimable:
        return counts
    if hasattr(writer, "budget_sender"):  # one call per change: pipelined under the rate limit
        _send_pipelined(account, claimable, actor, token, writer, concurrency, count)
    elif not _not_now(account, claimable, operations=len(claimable), mutate=True, breaker=False):
        claimed = _claim(claimable, actor, token)
        outcomes = writer.send_budgets(
            [(rec, writer.prepare(rec)) for rec in claimed],
            concurrency=concurrency,
            pace=lambda n: acquire(account, n, timeout=RATE_WAIT_S),
            attempts=WRITE_ATTEMPTS,
        )
        _record(account, claimed, outcomes, actor, count, token)
    return counts


def _block(rec, actor, rule, detail) -> None:
    _log(
        rec,
        action=f"{rec.account.platform}.budget",
        outcome=ExecutionOutcome.BLOCKED,
        detail=f"{rule}: {detail}",
    )
    recommendation_block(recommendation=rec, actor=actor, rule=rule, detail=detail)


def _not_now(account, recs, *, operations, mutate, breaker=True) -> bool:
    """Wait instead of hammering: an open breaker or a spent daily quota stops the batch
    here; its changes stay APPROVED (their turns are given back) with a log row saying why."""
    detail = ""
    if breaker and not (decision := breaker_allow(account)).allowed:
        detail = f"circuit breaker open: {decision.reason}"
    else:
        try:
            quota_reserve(account, operations, mutate=mutate)
        except QuotaExhausted as exc:
            detail = f"daily quota: {exc}"
            if breaker and decision.probe:
                breaker_release_probe(account)  # nothing was tested: the next call probes
    if not detail:
        return False
    _hold(account, recs, detail, until=getattr(decision, "retry_at", None) if breaker else None)
    return True


def _hold(account, recs, detail, until=None) -> None:
    """Leave `recs` APPROVED until `until` (or a short wait), with a log row each."""
    recommendations_hold(
        ids=[r.pk for r in recs], not_before=until or not_before(timezone.now()), detail=detail
    )
    ExecutionLog.objects.bulk_create(
        [
            ExecutionLog(
                recommendation=rec,
                account=account,
                action=f"{account.platform}.budget",
                mode=account.execution_mode,
                attempt=1,
                idempotency_key=rec.idempotency_key,
                request={},
                response={},
                outcome=ExecutionOutcome.RETRYING,
                detail=detail[:2000],
            )
            for rec in recs
        ],
        batch_size=2000,
    )


def _send_pipelined(account, recs, actor, token, writer, concurrency, count) -> None:
    """Claim, send and record CHUNK changes at a time, the bookkeeping overlapping the writes.

    While the sender's threads write chunk k, this thread claims chunk k+1, records
    chunk k-1 and keeps the rate-limit capacity topped up (all the database work stays
    on this thread: SQLite has one writer, and a test's transaction is only visible
    here). A chunk is claimed only once the sender is close to needing it, after the
    kill switch, the breaker and the quota are asked again, so a stop or a crash
    leaves at most two chunks claimed (recovery finishes those) and the rest APPROVED.
    """
    capacity = PacedCapacity(account)
    waiting = deque(recs[i : i + CHUNK] for i in range(0, len(recs), CHUNK))
    in_flight: deque = deque()
    with writer.budget_sender(
        capacity=capacity, concurrency=concurrency, attempts=WRITE_ATTEMPTS, wait_s=RATE_WAIT_S
    ) as sender:
        while waiting or in_flight:
            capacity.top_up(sender.backlog())
            if waiting and sender.backlog() < CHUNK:
                claimed = _claim_next(account, waiting, actor, token, count)
                if claimed is not None:
                    prepared = [(rec, writer.prepare(rec)) for rec in claimed]
                    in_flight.append((claimed, sender.submit(prepared)))
                continue
            claimed, futures = in_flight[0]
            if len(wait(futures, timeout=POLL_S).done) == len(futures):
                in_flight.popleft()
                outcomes = [f.result() for f in futures]
                _record(account, claimed, outcomes, actor, count, token)


def _claim_next(account, waiting, actor, token, count) -> list[Recommendation] | None:
    """Claim the next chunk, unless the kill switch (BLOCKED), the breaker or the quota
    (left APPROVED) now says stop: then nothing more of the batch goes out."""
    chunk = waiting.popleft()
    rest = [*chunk, *(rec for later in waiting for rec in later)]
    switch = writes_allowed(account.organization_id)
    if not switch.enabled:  # flipped mid-batch
        for rec in rest:
            _block(rec, actor, "kill_switch", switch.reason)
        count(R.BLOCKED, len(rest))
    elif not _not_now(account, rest, operations=len(chunk), mutate=True):
        return _claim(chunk, actor, token)
    waiting.clear()
    return None


def _claim(recs, actor, token) -> list[Recommendation]:
    """APPROVED → EXECUTING in one conditional UPDATE, with history: only rows whose turn
    this batch still holds move, so no other worker can ever send them."""
    if not recs:
        return []
    # The claim expires with the campaign lock (both at `token`): recovery then finds the
    # change and its lock together. A claim outliving its lock let recovery release the
    # campaign while the change was still in doubt, and a second change race the first.
    lease = token
    ids = [r.pk for r in recs]
    with transaction.atomic():
        Recommendation.objects.filter(pk__in=ids, status=R.APPROVED, lease_expires_at=token).update(
            status=R.EXECUTING,
            lease_expires_at=lease,
            attempts=F("attempts") + 1,
            updated_at=timezone.now(),
        )
        claimed = list(
            Recommendation.objects.filter(
                pk__in=ids, status=R.EXECUTING, lease_expires_at=lease
            ).order_by("decided_at", "pk")
        )
        copy_to_history(
            Recommendation,
            [r.pk for r in claimed],
            actor=actor,
            when=timezone.now(),
            reason="Claimed for execution (batch)",
        )
    by_pk = {r.pk: r for r in recs}
    for rec in claimed:
        rec.campaign, rec.account = by_pk[rec.pk].campaign, by_pk[rec.pk].account
    return claimed


def _record(account, claimed, outcomes, actor, count, token) -> None:
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
                        if attempt < len(outcome.attempts) or outcome.unknown or outcome.retryable
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
    if not succeeded and not any(o.retryable for o in outcomes):
        # Nothing here tested the platform (every write unsent for want of capacity,
        # or refused as our own mistake): a half-open probe this chunk held goes
        # back at once rather than making every other change wait out its lease.
        breaker_release_probe(account)
    failed, waiting = [], []
    for rec, outcome in zip(claimed, outcomes, strict=True):
        if outcome.ok:
            continue
        if outcome.retryable and outcome.sent:
            breaker_record_failure(account, outcome.error)
        if outcome.unknown:
            # It may have landed: left EXECUTING, campaign locked, for recovery to read back.
            count(R.EXECUTING)
        elif outcome.retryable:
            # Throttled on every attempt, or never sent: nothing applied, so it waits.
            waiting.append((rec, outcome))
        else:
            _failed(rec, actor, outcome.error)
            failed.append(rec.campaign_id)
            count(R.FAILED)
    if waiting:
        asked = max((o.retry_after or 0 for _, o in waiting), default=0)
        recommendations_wait_bulk(
            ids=[rec.pk for rec, _ in waiting],
            actor=actor,
            not_before=not_before(now) + timedelta(seconds=asked),
            detail=waiting[0][1].error,
        )
        count(R.APPROVED, len(waiting))
    _unlock(failed + [rec.campaign_id for rec, _ in waiting], token)


def _finish_succeeded(recs, actor, now) -> None:
    """EXECUTED, with the new budgets in Spectra and one history row per row changed."""
    ids = [r.pk for r in recs]
    with transaction.atomic():
        Recommendation.objects.filter(pk__in=ids, status=R.EXECUTING).update(
            status=R.EXECUTED,
            executed_at=now,
            lease_expires_at=None,
            updated_at=now,
            outcome_detail="applied",
        )
        copy_to_history(
            Recommendation, ids, actor=actor, when=now, reason="Executed on the platform"
        )
        # One executemany UPDATE: bulk_update's CASE per row costs seconds at 5,000 rows.
        # A campaign paused while its budget change was in flight stays paused.
        table = connection.ops.quote_name(Campaign._meta.db_table)
        at = connection.ops.adapt_datetimefield_value(now)
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET daily_budget = %s, last_significant_change_at = %s, "
                "updated_at = %s, lock_expires_at = NULL, "
                "status = CASE WHEN status = %s THEN %s ELSE status END WHERE id = %s",
                [
                    (rec.proposed_value, at, at, CS.OPTIMIZING, CS.ACTIVE, rec.campaign_id)
                    for rec in recs
                ],
            )
        copy_to_history(
            Campaign,
            [r.campaign_id for r in recs],
            actor=actor,
            when=now,
            reason=("Executed recommendation #", ids),
        )


def execute_approved(*, account, actor=None, limit: int | None = None) -> dict[str, int]:
    """Carry out every APPROVED recommendation of an account: budget changes as a batch,
    everything else (and what the batch left) one by one, oldest decision first."""
    expired = recommendations_expire_waiting(account=account, actor=actor or system_user())
    counts = execute_budget_batch(account=account, actor=actor)
    if expired:
        counts[R.EXPIRED] = len(expired)
    now = timezone.now()
    ids = list(
        Recommendation.objects.filter(account=account, status=R.APPROVED)
        .filter(Q(not_before__isnull=True) | Q(not_before__lte=now))
        # Rows whose turn another worker holds are its to finish: walking them one by
        # one here would only queue behind its batch and cost it the database.
        .filter(Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now))
        .order_by("decided_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    # Within a reallocation, decreases first: an increase waits for them anyway.
    decreases = set(
        Recommendation.objects.filter(
            pk__in=ids, change_set__isnull=False, proposed_value__lt=F("current_value")
        ).values_list("pk", flat=True)
    )
    ids.sort(key=lambda pk: pk not in decreases)
    for rec_id in ids:
        status = execute_recommendation(rec_id, actor=actor).status
        counts[status] = counts.get(status, 0) + 1
    return {status: n for status, n in counts.items() if status != R.APPROVED}
