"""How a batch's changes end: one finishing path, bulk where it can be.

The same states, the same `outcome_detail` and the same history rows whatever the
batch size — a single change is a batch of one.
"""

import logging

import sentry_sdk

from campaigns.change_kinds import kind_of
from campaigns.models import RecommendationStatus
from campaigns.services.execution import (
    campaigns_unlock_changes,
    recommendations_mark_executed_bulk,
)
from campaigns.services.recommendations import (
    recommendation_block,
    recommendation_mark_failed,
    recommendations_hold,
    recommendations_wait_bulk,
)
from executors.clients.errors import PlatformError
from executors.models import ExecutionOutcome
from executors.outcomes import not_before
from executors.pipeline.logs import attempt_rows, log, log_many, log_row

logger = logging.getLogger("spectra.executor")
OUT = ExecutionOutcome
R = RecommendationStatus


def _action(batch, rec, prepared=None) -> str:
    return prepared.action if prepared is not None else f"{batch.account.platform}.{rec.kind}"


def block(batch, rec, rule: str, detail: str, prepared=None) -> None:
    """A guardrail (or the platform's own state) refuses the change: BLOCKED, logged."""
    log(rec, action=_action(batch, rec, prepared), outcome=OUT.BLOCKED, detail=f"{rule}: {detail}")
    recommendation_block(recommendation=rec, actor=batch.actor, rule=rule, detail=detail)
    batch.count(R.BLOCKED)


def hold(batch, items, detail: str, until=None) -> None:
    """Leave APPROVED changes waiting (their turns given back) until `until`, logged."""
    if not items:
        return
    recommendations_hold(
        ids=[rec.pk for rec, _ in items],
        not_before=until or not_before(batch.clock()),
        detail=detail,
    )
    log_many(
        log_row(rec, action=_action(batch, rec, p), outcome=OUT.RETRYING, detail=detail)
        for rec, p in items
    )
    batch.count(R.APPROVED, len(items))


def fail(batch, rec, detail: str) -> None:
    """Refused for good (validation, not found, permission): FAILED, an alert, Sentry."""
    recommendation_mark_failed(recommendation=rec, actor=batch.actor, detail=detail)
    sentry_sdk.capture_message(
        f"Execution of recommendation #{rec.pk} failed: {detail}", level="warning"
    )
    logger.warning("Execution of recommendation #%s failed: %s", rec.pk, detail)
    batch.count(R.FAILED)


def executed(batch, recs, detail: str) -> None:
    recommendations_mark_executed_bulk(
        recs=recs, actor=batch.actor, details={rec.pk: detail for rec in recs}
    )
    batch.count(R.EXECUTED, len(recs))


def reconciled(batch, items, *, detail: str, finish: str) -> None:
    """Changes the platform shows applied (read back): EXECUTED, logged as reconciled."""
    if not items:
        return
    log_many(
        log_row(rec, action=p.action, outcome=OUT.RECONCILED, detail=detail.format(value=value))
        for rec, p, value in items
    )
    executed(batch, [rec for rec, _, _ in items], finish)


def applied_now(batch, recs) -> dict[int, object]:
    """Which of `recs` the platform shows applied now ({pk: value}); {} if it cannot say."""
    if not recs:
        return {}
    try:
        values = batch.writer.read(recs)
    except PlatformError:
        return {}
    return {
        rec.pk: values.get(rec.pk)
        for rec in recs
        if values.get(rec.pk) == kind_of(rec).expected_after(rec)
    }


def finish_sent(batch, items, outcomes) -> None:
    """Logs, states and Spectra's rows for a chunk the sender answered.

    Succeeded → EXECUTED (in recovery, only once read back: a replayed answer to an
    old key proves the key was seen, not what runs now). Unknown (no usable answer,
    a 5xx) → read back at once: applied → EXECUTED, else left EXECUTING under its
    lease, campaign locked, for recovery. Throttled or never sent → APPROVED with a
    not-before time. Refused for good → FAILED with an alert.
    """
    log_many(
        row
        for (rec, _), outcome in zip(items, outcomes, strict=True)
        for row in attempt_rows(rec, outcome)
    )
    pairs = list(zip(items, outcomes, strict=True))
    ok = [(rec, p, o) for (rec, p), o in pairs if o.ok]
    unknown = [(rec, p, o) for (rec, p), o in pairs if not o.ok and o.unknown]
    troubled = [o for (_, _), o in pairs if not o.ok and (o.unknown or (o.retryable and o.sent))]
    if ok:
        batch.gate.answered()
    for outcome in troubled[
        :1
    ]:  # one trouble per chunk: the breaker counts platform calls gone wrong
        batch.gate.troubled(outcome.error)
    if not ok and not troubled:
        batch.gate.untested()
    if batch.recovering and ok:
        shown = applied_now(batch, [rec for rec, _, _ in ok])
        _left_to_recovery(
            batch,
            [(rec, p, o) for rec, p, o in ok if rec.pk not in shown],
            lambda o: "the platform accepted the write but does not show it yet",
        )
        ok = [(rec, p, o) for rec, p, o in ok if rec.pk in shown]
    executed(batch, [rec for rec, _, _ in ok], "applied")
    if unknown:
        shown = applied_now(batch, [rec for rec, _, _ in unknown])
        reconciled(
            batch,
            [(rec, p, shown[rec.pk]) for rec, p, _ in unknown if rec.pk in shown],
            detail="no usable answer; the platform shows {value}: the change was applied",
            finish="applied (confirmed by reading back)",
        )
        # It may have landed (or may still: a slow request the platform is yet to
        # finish). FAILED would be a guess that can be wrong. It stays EXECUTING
        # under its lease; recovery reads it back and resends only if it is not there.
        _left_to_recovery(
            batch,
            [(rec, p, o) for rec, p, o in unknown if rec.pk not in shown],
            lambda o: f"{o.error}; outcome unknown after {len(o.attempts)} attempts",
        )
    waiting = [(rec, o) for (rec, _), o in pairs if not o.ok and not o.unknown and o.retryable]
    if waiting and not batch.recovering:
        asked = max((o.retry_after or 0 for _, o in waiting), default=0)
        error = waiting[0][1].error
        attempts = max(len(o.attempts) for _, o in waiting)
        recommendations_wait_bulk(
            ids=[rec.pk for rec, _ in waiting],
            actor=batch.actor,
            not_before=not_before(batch.clock(), asked),
            detail=f"{error} (after {attempts} attempts)" if attempts else error,
        )
        batch.count(R.APPROVED, len(waiting))
    elif waiting:
        batch.count(R.EXECUTING, len(waiting))  # recovery tries it again next time
    refused = [(rec, o) for (rec, _), o in pairs if not o.ok and not o.unknown and not o.retryable]
    for rec, outcome in refused:
        fail(batch, rec, outcome.error)
    if not batch.recovering:
        campaigns_unlock_changes(
            campaign_ids=[rec.campaign_id for rec, _ in [*waiting, *refused]], token=batch.token
        )


def _left_to_recovery(batch, items, why) -> None:
    """Changes that stay EXECUTING (campaign locked) under their lease, logged."""
    log_many(
        log_row(
            rec,
            action=p.action,
            outcome=OUT.RETRYING,
            attempt=len(o.attempts),
            request=o.request,
            detail=f"{why(o)}: left to recovery",
        )
        for rec, p, o in items
    )
    batch.count(R.EXECUTING, len(items))
