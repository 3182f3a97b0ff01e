"""Carrying out approved recommendations on the platforms (promises 1 and 2).

For each APPROVED recommendation: take the campaign lock (ACTIVE → OPTIMIZING,
with a lease), check every guardrail again on the current rows, and then
- READ_ONLY, kill switch, a guardrail or a moved basis → BLOCKED with the reason;
- DRY_RUN → SIMULATED with the exact request that would have been sent;
- LIVE → claim it (one conditional UPDATE: only one worker ever wins), write with
  its idempotency key, retrying retryable failures with full-jitter backoff, and
  finish EXECUTED (platform answer kept, Spectra's rows updated in the same
  transaction) or FAILED (error in words, Alert raised, Sentry told).
Every attempt appends an ExecutionLog row. A worker that dies after claiming
leaves an EXECUTING row with an expiring lease: `recover_executions` finishes it.
"""

import logging
import time
from datetime import datetime, timedelta

import sentry_sdk
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from tenacity import Retrying, retry_if_exception, stop_after_attempt, wait_random_exponential

from campaigns.actors import system_user
from campaigns.guardrails import limits_of
from campaigns.models import (
    AlertKind,
    AudienceStatus,
    Campaign,
    CampaignStatus,
    ExecutionMode,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Severity,
)
from campaigns.redaction import redact_mapping
from campaigns.selectors import policy_for_account
from campaigns.services.alerts import alert_raise
from campaigns.services.campaigns import (
    campaign_lock_for_change,
    campaign_transition,
    campaign_unlock,
)
from campaigns.services.errors import TransitionRefused
from campaigns.services.history import save_with_history
from campaigns.services.recommendations import (
    recommendation_block,
    recommendation_claim,
    recommendation_mark_executed,
    recommendation_mark_failed,
    recommendation_mark_rolled_back,
    recommendation_mark_simulated,
    recommendation_wait,
    recommendations_hold,
    rolled_back_by,
)
from executors.checks import BLOCK, WAIT, change_set_turn, execution_checks
from executors.clients.errors import OutcomeUnknown, PlatformError
from executors.models import ExecutionLog, ExecutionOutcome
from executors.outcomes import may_have_landed, not_before, refused_for_now
from executors.resilience import (
    QuotaExhausted,
    acquire,
    breaker_allow,
    breaker_record_failure,
    breaker_record_success,
    breaker_release_probe,
    quota_reserve,
)
from executors.writers import UnsupportedChange, expected_after, expected_before, writer_for

logger = logging.getLogger("spectra.executor")
K = RecommendationKind
R = RecommendationStatus
LEASE = timedelta(minutes=5)  # longer than a write with all its retries can take
WRITE_ATTEMPTS = 4
RATE_WAIT_S = 10.0


def _log(
    rec, *, action, outcome, attempt=1, request=None, response=None, detail="", latency_ms=None
) -> ExecutionLog:
    return ExecutionLog.objects.create(
        recommendation=rec,
        account=rec.account,
        action=action,
        mode=rec.account.execution_mode,
        attempt=attempt,
        idempotency_key=rec.idempotency_key,
        request=redact_mapping(request or {}),
        response=redact_mapping(response or {}),
        outcome=outcome,
        detail=detail[:2000],
        latency_ms=latency_ms,
    )


def _load(rec_id: int) -> Recommendation:
    return Recommendation.objects.select_related(
        "account", "campaign", "ad_group", "audience", "decided_by"
    ).get(pk=rec_id)


def _needs_lock(rec: Recommendation) -> bool:
    # A pause must go through even while another change holds the lock (it stops
    # spending); a resume starts from PAUSED; audiences are account-level.
    return rec.kind in (K.BUDGET, K.BID)


def execute_recommendation(
    rec_id: int, *, actor=None, now: datetime | None = None, client=None
) -> Recommendation:
    """Carry out one APPROVED recommendation; safe to call any number of times."""
    actor = actor or system_user()
    now = now or timezone.now()
    if not _take_turn(rec_id, now):
        return _load(rec_id)  # done, not approved, or another worker is on it
    rec = _load(rec_id)
    locked = False
    outcome = None
    try:
        if _needs_lock(rec):
            try:
                campaign_lock_for_change(
                    campaign=rec.campaign,
                    actor=actor,
                    lease=LEASE,
                    reason=f"Executing recommendation #{rec.pk}",
                )
                locked = True
            except TransitionRefused as exc:
                if exc.current == CampaignStatus.OPTIMIZING:
                    return rec  # another change is being written; try again next round
                return recommendation_block(
                    recommendation=rec, actor=actor, rule="campaign_state", detail=str(exc)
                )
        outcome = _execute_locked(_load(rec_id), actor=actor, now=now, client=client)
        return outcome
    finally:
        _end_turn(rec_id)
        # A write whose outcome is unknown keeps the campaign locked until recovery
        # settles it: a second change must not race a first one that may still land.
        if locked and not (outcome is not None and outcome.status == R.EXECUTING):
            campaign_unlock(
                campaign=rec.campaign, actor=actor, reason=f"Finished recommendation #{rec.pk}"
            )


def _take_turn(rec_id: int, now) -> bool:
    """One worker at a time looks at an APPROVED recommendation (a short lease on it).

    The campaign lock already serialises changes to one campaign; this also covers
    account-level changes (audiences) and keeps two workers from both running the
    checks and racing to block or claim the same row. The lease runs out by itself
    if the worker dies.
    """
    return (
        Recommendation.objects.filter(
            Q(lease_expires_at__isnull=True) | Q(lease_expires_at__lt=now),
            Q(not_before__isnull=True) | Q(not_before__lte=now),
            pk=rec_id,
            status=R.APPROVED,
        ).update(lease_expires_at=now + LEASE)
        == 1
    )


def _end_turn(rec_id: int) -> None:
    """Give the turn back if the recommendation is still waiting (not claimed or finished)."""
    Recommendation.objects.filter(pk=rec_id, status=R.APPROVED).update(lease_expires_at=None)


def _execute_locked(rec, *, actor, now, client):
    limits = limits_of(policy_for_account(rec.account))
    verdict = execution_checks(rec, limits=limits, now=now)
    if not verdict.ok:
        _log(
            rec,
            action=f"{rec.account.platform}.{rec.kind}",
            outcome=ExecutionOutcome.BLOCKED,
            detail=f"{verdict.rule}: {verdict.detail}",
        )
        return recommendation_block(
            recommendation=rec, actor=actor, rule=verdict.rule, detail=verdict.detail
        )
    writer = writer_for(rec.account, client)
    try:
        prepared = writer.prepare(rec)
    except UnsupportedChange as exc:
        return recommendation_block(
            recommendation=rec, actor=actor, rule="unsupported", detail=str(exc)
        )
    turn, why = change_set_turn(rec)
    if turn == WAIT:
        return _hold(rec, prepared, detail=why)
    if turn == BLOCK:
        _log(rec, action=prepared.action, outcome=ExecutionOutcome.BLOCKED, detail=why)
        return recommendation_block(recommendation=rec, actor=actor, rule="change_set", detail=why)
    if rec.account.execution_mode == ExecutionMode.DRY_RUN:
        try:
            request = writer.simulate(prepared)
        except PlatformError as exc:
            return _fail_before_claim(rec, actor, prepared, exc)
        _log(
            rec,
            action=prepared.action,
            outcome=ExecutionOutcome.SIMULATED,
            request=request,
            detail="dry run: nothing was changed",
        )
        return recommendation_mark_simulated(recommendation=rec, actor=actor, request=request)
    waiting, probe = _platform_not_ready(rec, prepared)
    if waiting:
        return waiting
    try:
        current = writer.read_current(rec)
    except PlatformError as exc:
        if exc.retryable:
            breaker_record_failure(rec.account, str(exc))
        elif probe:
            breaker_release_probe(rec.account)
        return _fail_before_claim(rec, actor, prepared, exc)
    if probe:
        # The platform answered the probe's read: it has recovered. Closing now
        # matters when what follows is not a write (blocked, claimed elsewhere).
        breaker_record_success(rec.account)
    if rec.attempts and current == expected_after(rec):
        # An earlier attempt whose answer was lost (or refused for now) did land.
        if not recommendation_claim(recommendation=rec, actor=actor, lease=LEASE):
            return _load(rec.pk)
        _log(
            rec,
            action=prepared.action,
            outcome=ExecutionOutcome.RECONCILED,
            detail=f"the platform already shows {current}: an earlier attempt was applied",
        )
        return finish_executed(
            _load(rec.pk), actor=actor, detail="applied by an earlier attempt (read back)"
        )
    if current != expected_before(rec) and just_written(rec, current):
        return _hold(
            rec,
            prepared,
            detail=f"the platform still shows {current}, the value before Spectra's last "
            "write to it: its reads have not caught up yet",
        )
    if current != expected_before(rec):
        detail = f"the platform shows {current}, the proposal was based on {expected_before(rec)}"
        _log(
            rec,
            action=prepared.action,
            outcome=ExecutionOutcome.BLOCKED,
            detail=f"changed_outside_spectra: {detail}",
        )
        return recommendation_block(
            recommendation=rec, actor=actor, rule="changed outside Spectra", detail=detail
        )
    if not recommendation_claim(recommendation=rec, actor=actor, lease=LEASE):
        return _load(rec.pk)
    return _write(_load(rec.pk), writer, prepared, actor=actor)


def _applied(writer, rec) -> bool:
    try:
        return writer.read_current(rec) == expected_after(rec)
    except PlatformError:
        return False


def just_written(rec, current) -> bool:
    """Whether `current` is what the target showed before a change Spectra executed on it
    within a lease: a read that has not caught up with our own write (platforms are
    eventually consistent), not a change made outside Spectra."""
    recent = Recommendation.objects.filter(
        account_id=rec.account_id,
        campaign_id=rec.campaign_id,
        ad_group_id=rec.ad_group_id,
        audience_id=rec.audience_id,
        status=R.EXECUTED,
        executed_at__gte=timezone.now() - LEASE,
    ).exclude(pk=rec.pk)
    if rec.kind in (K.BUDGET, K.BID):
        return recent.filter(kind=rec.kind, current_value=current).exists()
    return recent.exclude(kind__in=(K.BUDGET, K.BID)).exists()


def _hold(rec, prepared, *, detail, until=None):
    """Leave an APPROVED change waiting (its turn given back) until `until`, logged."""
    _log(rec, action=prepared.action, outcome=ExecutionOutcome.RETRYING, detail=detail)
    recommendations_hold(
        ids=[rec.pk], not_before=until or not_before(timezone.now()), detail=detail
    )
    return _load(rec.pk)


def _platform_not_ready(rec, prepared) -> tuple[Recommendation | None, bool]:
    """Wait instead of hammering: an open breaker, the rate limit or the day's quota.

    Returns (rec, _) when it must wait: the recommendation stays APPROVED (its turn
    is given back), a log row says why, and the next round picks it up. Otherwise
    (None, probe), `probe` true when this call is the breaker's half-open probe.
    """
    account = rec.account
    decision = breaker_allow(account)
    if not decision.allowed:
        detail = f"circuit breaker open: {decision.reason}"
        return _hold(rec, prepared, detail=detail, until=decision.retry_at), False
    detail = ""
    if not acquire(account, 2, timeout=RATE_WAIT_S):  # a read-back and a write
        detail = "rate limit: no capacity within the wait; next round"
    else:
        try:
            quota_reserve(account, 2, mutate=True)
        except QuotaExhausted as exc:
            detail = f"daily quota: {exc}"
    if detail:
        if decision.probe:
            breaker_release_probe(account)  # nothing was tested: let the next call probe
        return _hold(rec, prepared, detail=detail), False
    return None, decision.probe


def _fail_before_claim(rec, actor, prepared, exc):
    """The basis could not be read: leave it APPROVED for the next round, logged."""
    return _hold(rec, prepared, detail=f"could not read the current value: {exc}")


def _write(rec, writer, prepared, *, actor, confirm=False):
    """Send the write (retrying what can be retried) and finish the recommendation.

    With `confirm` (recovery), a success is believed only once the platform shows the
    value: a replayed answer to an old key proves that key was seen, not what runs now.
    """
    retrying = Retrying(
        retry=retry_if_exception(lambda e: isinstance(e, PlatformError) and e.retryable),
        stop=stop_after_attempt(WRITE_ATTEMPTS),
        wait=wait_random_exponential(multiplier=0.5, max=20),
        reraise=True,
    )
    attempt_no = 0
    uncertain = False  # whether some attempt may have been applied without our knowing
    try:
        for attempt in retrying:
            with attempt:
                attempt_no += 1
                started = time.monotonic()
                try:
                    result = writer.send(prepared, key=str(rec.idempotency_key))
                except OutcomeUnknown as exc:
                    uncertain = True
                    # No answer (timeout, reset, cut-off body) is platform trouble too.
                    breaker_record_failure(rec.account, str(exc))
                    # Sent, no answer. Where the platform has no idempotency key
                    # (Google), resending could apply it twice: read it back first.
                    if _applied(writer, rec):
                        result = None
                        _log(
                            rec,
                            action=prepared.action,
                            attempt=attempt_no,
                            outcome=ExecutionOutcome.RECONCILED,
                            request=prepared.describe(),
                            detail=f"{exc}; the platform shows the change applied",
                        )
                        break
                    raise
                except PlatformError as exc:
                    uncertain = uncertain or may_have_landed(exc)
                    if exc.retryable:
                        breaker_record_failure(rec.account, str(exc))
                    gives_up = not exc.retryable or attempt_no >= WRITE_ATTEMPTS
                    fails = gives_up and not (uncertain or refused_for_now(exc))
                    _log(
                        rec,
                        action=prepared.action,
                        attempt=attempt_no,
                        outcome=ExecutionOutcome.FAILED if fails else ExecutionOutcome.RETRYING,
                        request=prepared.describe(),
                        response=exc.body if isinstance(exc.body, dict) else {},
                        detail=str(exc),
                        latency_ms=int((time.monotonic() - started) * 1000),
                    )
                    raise
    except PlatformError as exc:
        if uncertain and _applied(writer, rec):
            # Spectra's rows follow what the platform really runs, not the error.
            _log(
                rec,
                action=prepared.action,
                attempt=attempt_no,
                outcome=ExecutionOutcome.RECONCILED,
                request=prepared.describe(),
                detail=f"{exc}; the platform shows the change applied",
            )
            breaker_record_success(rec.account)
            return finish_executed(rec, actor=actor, detail="applied (confirmed by reading back)")
        if uncertain:
            # An attempt got no usable answer, so the change may have landed (or may
            # still: a slow request the platform is yet to finish). FAILED would be a
            # guess that can be wrong — a FAILED change the platform applied. It stays
            # EXECUTING under its lease; recovery reads it back and finishes it,
            # resending with the same key (applied at most once) only if it is not there.
            _log(
                rec,
                action=prepared.action,
                attempt=attempt_no,
                outcome=ExecutionOutcome.RETRYING,
                request=prepared.describe(),
                detail=f"{exc}; outcome unknown after {attempt_no} attempts: left to recovery",
            )
            return _load(rec.pk)
        if refused_for_now(exc):
            # Throttled on every attempt and nothing applied: the approval waits, it is
            # not lost. FAILED is for refusals a retry cannot fix.
            return recommendation_wait(
                recommendation=rec,
                actor=actor,
                not_before=not_before(timezone.now(), exc),
                detail=f"{exc} (after {attempt_no} attempts)",
            )
        return _failed(rec, actor, str(exc))
    breaker_record_success(rec.account)
    if result is None:  # reconciled by reading back after an unknown outcome
        return finish_executed(rec, actor=actor, detail="applied (confirmed by reading back)")
    if confirm and not _applied(writer, rec):
        _log(
            rec,
            action=prepared.action,
            attempt=attempt_no,
            outcome=ExecutionOutcome.RETRYING,
            request=prepared.describe(),
            response=result.response,
            detail="the platform accepted the write but does not show it yet: left to recovery",
        )
        return _load(rec.pk)
    _log(
        rec,
        action=prepared.action,
        attempt=attempt_no,
        outcome=ExecutionOutcome.SUCCEEDED,
        request=prepared.describe(),
        response=result.response,
        latency_ms=result.latency_ms,
    )
    return finish_executed(rec, actor=actor, detail=_summary(result.response))


def _summary(response: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in response.items() if not isinstance(v, dict | list))


def _failed(rec, actor, detail):
    failed = recommendation_mark_failed(recommendation=rec, actor=actor, detail=detail)
    alert_raise(
        organization_id=rec.account.organization_id,
        account=rec.account,
        campaign=rec.campaign,
        kind=AlertKind.EXECUTION_FAILED,
        severity=Severity.WARNING,
        title=f"Could not apply: {rec}",
        message=detail,
        dedup_key=f"execution_failed:{rec.pk}",
        data={"recommendation": rec.pk},
    )
    sentry_sdk.capture_message(
        f"Execution of recommendation #{rec.pk} failed: {detail}", level="warning"
    )
    logger.warning("Execution of recommendation #%s failed: %s", rec.pk, detail)
    return failed


def finish_executed(rec: Recommendation, *, actor, detail: str) -> Recommendation:
    """Mark EXECUTED and bring Spectra's rows in line with the platform, in one transaction."""
    now = timezone.now()
    reason = f"Executed recommendation #{rec.pk} ({rec.get_kind_display().lower()})"
    with transaction.atomic():
        done = recommendation_mark_executed(recommendation=rec, actor=actor, detail=detail)
        if rec.kind == K.BUDGET:
            campaign = type(rec.campaign).objects.select_for_update().get(pk=rec.campaign_id)
            campaign.daily_budget = rec.proposed_value
            campaign.last_significant_change_at = now
            save_with_history(
                campaign,
                actor=actor,
                reason=reason,
                update_fields=["daily_budget", "last_significant_change_at", "updated_at"],
            )
        elif rec.kind == K.BID:
            ad_group = type(rec.ad_group).objects.select_for_update().get(pk=rec.ad_group_id)
            ad_group.bid = rec.proposed_value
            save_with_history(
                ad_group, actor=actor, reason=reason, update_fields=["bid", "updated_at"]
            )
        elif rec.kind in (K.AUDIENCE_ACTIVATE, K.AUDIENCE_SUPPRESS):
            audience = type(rec.audience).objects.select_for_update().get(pk=rec.audience_id)
            audience.status = (
                AudienceStatus.ACTIVE
                if rec.kind == K.AUDIENCE_ACTIVATE
                else AudienceStatus.SUPPRESSED
            )
            save_with_history(
                audience, actor=actor, reason=reason, update_fields=["status", "updated_at"]
            )
        elif rec.kind in (K.PAUSE, K.RESUME):
            campaign = type(rec.campaign).objects.get(pk=rec.campaign_id)
            wanted = "pause" if rec.kind == K.PAUSE else "resume"
            allowed = {
                "pause": (CampaignStatus.ACTIVE, CampaignStatus.OPTIMIZING),
                "resume": (CampaignStatus.PAUSED,),
            }[wanted]
            if campaign.status in allowed:
                campaign_transition(
                    campaign=campaign,
                    transition=wanted,
                    actor=actor,
                    reason=f"{reason}: {rec.reason}"[:500],
                )
        for original in Recommendation.objects.filter(
            pk__in=rolled_back_by(rec), status=R.EXECUTED
        ):
            recommendation_mark_rolled_back(recommendation=original, actor=actor, rollback=rec)
    return done


def reconcile(rec: Recommendation, *, actor, client=None) -> Recommendation:
    """Finish an EXECUTING recommendation whose worker died: read back, then decide.

    Already applied on the platform → EXECUTED (logged as reconciled). Not applied →
    sent again with the same idempotency key (the platform applies it at most once).
    """
    writer = writer_for(rec.account, client)
    prepared = writer.prepare(rec)
    try:
        current = writer.read_current(rec)
    except PlatformError as exc:
        _log(
            rec,
            action=prepared.action,
            outcome=ExecutionOutcome.RETRYING,
            detail=f"recovery could not read the current value: {exc}",
        )
        return rec
    if current == expected_after(rec):
        _log(
            rec,
            action=prepared.action,
            outcome=ExecutionOutcome.RECONCILED,
            detail=f"the platform already shows {current}",
        )
        return finish_executed(rec, actor=actor, detail="reconciled after a worker stopped")
    return _write(rec, writer, prepared, actor=actor, confirm=True)


def recover_executions(*, actor=None, now: datetime | None = None) -> int:
    """Find EXECUTING recommendations whose lease ran out and finish each of them."""
    actor = actor or system_user()
    now = now or timezone.now()
    stale = list(
        Recommendation.objects.filter(status=R.EXECUTING, lease_expires_at__lt=now).values_list(
            "pk", flat=True
        )
    )
    for rec_id in stale:
        # Re-take the lease first so two recovery runs never reconcile the same row.
        taken = (
            Recommendation.objects.filter(
                pk=rec_id, status=R.EXECUTING, lease_expires_at__lt=now
            ).update(lease_expires_at=now + LEASE)
            == 1
        )
        if not taken:
            continue
        rec = _load(rec_id)
        if rec.campaign_id:
            # The campaign stays locked as long as its change is in doubt, and no longer
            # than the change's own lease: nobody takes over a lock of a live recovery.
            Campaign.objects.filter(pk=rec.campaign_id, status=CampaignStatus.OPTIMIZING).update(
                lock_expires_at=now + LEASE
            )
        try:
            reconcile(rec, actor=actor)
        finally:
            settled = not Recommendation.objects.filter(pk=rec_id, status=R.EXECUTING).exists()
            campaign = Campaign.objects.filter(pk=rec.campaign_id).first()
            if settled and campaign is not None and campaign.status == CampaignStatus.OPTIMIZING:
                campaign_unlock(
                    campaign=campaign, actor=actor, reason=f"Recovered recommendation #{rec_id}"
                )
    _release_expired_leases(actor, now)
    return len(stale)


def _release_expired_leases(actor, now) -> None:
    """A dead worker's other marks: turns on APPROVED rows and campaign locks it held."""
    Recommendation.objects.filter(status=R.APPROVED, lease_expires_at__lt=now).update(
        lease_expires_at=None
    )
    in_doubt = Recommendation.objects.filter(status=R.EXECUTING).values("campaign_id")
    for campaign in Campaign.objects.filter(
        status=CampaignStatus.OPTIMIZING, lock_expires_at__lt=now
    ).exclude(pk__in=in_doubt):
        campaign_unlock(
            campaign=campaign,
            actor=actor,
            reason="Lock released: its writer stopped before finishing",
        )
