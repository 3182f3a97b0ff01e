"""The append-only execution log: one row per attempt, block, hold and reconcile."""

from campaigns.redaction import redact_mapping
from executors.models import ExecutionLog, ExecutionOutcome

OUT = ExecutionOutcome


def log_row(
    rec, *, action, outcome, attempt=1, request=None, response=None, detail="", latency_ms=None
):
    return ExecutionLog(
        recommendation=rec,
        account=rec.account,
        action=action,
        mode=rec.account.execution_mode,
        attempt=attempt,
        idempotency_key=rec.idempotency_key,
        request=redact_mapping(request or {}),
        response=redact_mapping(response or {}),
        outcome=outcome,
        detail=str(detail)[:2000],
        latency_ms=latency_ms,
    )


def log(rec, **fields) -> ExecutionLog:
    row = log_row(rec, **fields)
    row.save()
    return row


def log_many(rows) -> None:
    ExecutionLog.objects.bulk_create(list(rows), batch_size=2000)


def attempt_rows(rec, outcome):
    """One row per attempt of a sent write, as its sender reported them."""
    for number, (result, error, latency) in enumerate(outcome.attempts, start=1):
        if error is None:
            verdict = OUT.SUCCEEDED
        elif number < len(outcome.attempts) or outcome.unknown or outcome.retryable:
            verdict = OUT.RETRYING
        else:
            verdict = OUT.FAILED
        yield log_row(
            rec,
            action=outcome.action,
            outcome=verdict,
            attempt=number,
            request=outcome.request,
            response=result or {},
            detail=error or "",
            latency_ms=latency,
        )
