"""The daily cycle: sync → anomalies → optimise → approve by policy → execute → spend limits.

Each account runs the cycle on its own schedule (`AccountCycle`). Every minute
`dispatch_cycles` queues the accounts that are due and starts queued cycles,
at most `Organization.max_concurrent_cycles` per organization at once — one
tenant's thousand accounts wait their turn instead of filling every worker.

Each step is its own django-q2 task that enqueues the next one when it
succeeds, so a step gets the whole task timeout, shows up in the task lists,
and a failure stops the chain *for that account only*: the cycle is marked
FAILED with the error, an Alert is raised, and the exception is re-raised so
django-q2 keeps the task in its failures list — the dead-letter queue. A
person re-queues it from there; the step runs again and the chain continues.

Every step is safe to run twice (tasks are delivered at least once): sync
upserts, optimisation is idempotent per account and day, approval and
execution claim rows conditionally, spend-limit pauses read back first.
"""

import logging
import traceback
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django_q.tasks import async_task

from campaigns.models import AdAccount, AlertKind, ExecutionMode, Organization, Severity
from campaigns.services.alerts import alert_raise
from campaigns.services.auto_approval import (
    recommendations_approve_by_policy,
    recommendations_expire_stale,
)
from campaigns.services.job_alerts import job_cleared
from executors.pipeline import execute_approved
from executors.tasks import enforce_spend_limits_task, sync_account_task
from optimizer.anomaly_alerts import detect_account_anomalies
from optimizer.services import optimize_account
from spectra.models import AccountCycle, CycleRun, CycleStatus

logger = logging.getLogger(__name__)
S = CycleStatus
SYNC_DAYS = 10  # re-read the lag window so late conversions land


def _writes(account: AdAccount) -> bool:
    return account.execution_mode != ExecutionMode.READ_ONLY


def _step_sync(account: AdAccount) -> dict:
    return sync_account_task(account.pk, SYNC_DAYS)


def _step_anomalies(account: AdAccount) -> dict:
    return {"alerts": detect_account_anomalies(account=account)}


def _step_optimise(account: AdAccount) -> dict:
    if not _writes(account):
        return {"skipped": "the account is read-only (sync only)"}
    run = optimize_account(account=account)
    return {"run": run.pk, "status": run.status}


def _step_approve(account: AdAccount) -> dict:
    expired = recommendations_expire_stale(account=account)
    if not _writes(account):
        return {"expired": expired, "skipped": "the account is read-only (sync only)"}
    return {"expired": expired, "approved": recommendations_approve_by_policy(account=account)}


def _step_execute(account: AdAccount) -> dict:
    if not _writes(account):
        return {"skipped": "the account is read-only (sync only)"}
    return execute_approved(account=account)


def _step_spend_limits(account: AdAccount) -> dict:
    return {"paused": enforce_spend_limits_task(account.pk)}


STEPS = {
    "sync": _step_sync,
    "anomalies": _step_anomalies,
    "optimise": _step_optimise,
    "approve": _step_approve,
    "execute": _step_execute,
    "spend_limits": _step_spend_limits,
}
STEP_ORDER = list(STEPS)


def _stale_after() -> timedelta:
    # A step's task may run `timeout` seconds and be redelivered after `retry`
    # up to `max_attempts` times; only past all of that is its worker surely gone.
    q = settings.Q_CLUSTER
    return timedelta(seconds=q["retry"] * (q["max_attempts"] + 1))


def _enqueue_step(cycle: CycleRun, step: str) -> None:
    transaction.on_commit(
        lambda: async_task(
            "spectra.cycle.run_cycle_step",
            cycle.pk,
            step,
            task_name=f"cycle {cycle.pk} · {step} · account {cycle.account_id}",
            group="cycle",
        )
    )


def _enqueue_dispatch() -> None:
    transaction.on_commit(
        lambda: async_task("spectra.cycle.dispatch_cycles", task_name="dispatch cycles")
    )


# --- running one step ---------------------------------------------------------


def run_cycle_step(cycle_id: int, step: str) -> dict:
    """Run one step of a cycle and enqueue the next (the django-q2 task)."""
    if step not in STEPS:
        raise ValueError(f"Unknown cycle step {step!r}; steps are {', '.join(STEP_ORDER)}.")
    cycle = CycleRun.objects.select_related("account").filter(pk=cycle_id).first()
    if cycle is None:
        return {"skipped": f"cycle {cycle_id} no longer exists"}
    if cycle.status == S.FAILED and not _resume(cycle):
        return {"skipped": "another cycle of this account is open; not resuming this one"}
    if cycle.status not in (S.RUNNING, S.FAILED):
        return {"skipped": f"cycle is {cycle.status}"}  # a redelivery after it finished
    if any(done["step"] == step for done in cycle.steps):
        # Redelivered after the step finished: the next step was already enqueued.
        return {"skipped": f"{step} already done"}
    now = timezone.now()
    CycleRun.objects.filter(pk=cycle.pk).update(step=step, heartbeat_at=now)
    try:
        result = STEPS[step](cycle.account)
    except Exception as exc:
        _fail(cycle, step, exc)
        raise  # django-q2 keeps it in its failures list: the dead-letter queue
    _record(cycle, step, result)
    return result


def _resume(cycle: CycleRun) -> bool:
    """A person re-queued a failed step: the cycle runs again from it."""
    try:
        with transaction.atomic():
            moved = CycleRun.objects.filter(pk=cycle.pk, status=S.FAILED).update(
                status=S.RUNNING, error="", finished_at=None, heartbeat_at=timezone.now()
            )
    except IntegrityError:  # a newer cycle of the account is open
        return False
    cycle.refresh_from_db()
    return bool(moved) or cycle.status == S.RUNNING


def _record(cycle: CycleRun, step: str, result) -> None:
    now = timezone.now()
    with transaction.atomic():
        current = CycleRun.objects.select_for_update().get(pk=cycle.pk)
        current.steps = [
            *current.steps,
            {"step": step, "finished_at": now.isoformat(), "result": _jsonable(result)},
        ]
        current.heartbeat_at = now
        following = STEP_ORDER[STEP_ORDER.index(step) + 1 :]
        if following:
            current.save(update_fields=["steps", "heartbeat_at"])
            _enqueue_step(current, following[0])
        else:
            current.status = S.SUCCEEDED
            current.finished_at = now
            current.save(update_fields=["steps", "heartbeat_at", "status", "finished_at"])
            job_cleared(
                f"cycle:{current.account_id}:",
                organization_id=current.account.organization_id,
                why=f"Cleared: the daily cycle completed at {now:%Y-%m-%d %H:%M} UTC.",
                prefix=True,
            )
            _enqueue_dispatch()  # a slot freed: start the next queued cycle now


def _fail(cycle: CycleRun, step: str, exc: Exception) -> None:
    error = f"{type(exc).__name__}: {exc}"
    logger.error("cycle %s failed at %s: %s", cycle.pk, step, error)
    with transaction.atomic():
        CycleRun.objects.filter(pk=cycle.pk).update(
            status=S.FAILED,
            step=step,
            error=f"{error}\n\n{traceback.format_exc(limit=8)}"[:10000],
            finished_at=timezone.now(),
        )
        account = cycle.account
        alert_raise(
            organization_id=account.organization_id,
            account=account,
            kind=AlertKind.CYCLE_FAILED,
            severity=Severity.CRITICAL,
            title=f"Daily cycle of {account} stopped at '{step}'",
            message=(
                f"{error}\n\nThe later steps did not run for this account (other accounts "
                "are not affected). Re-queue the failed task from the task failures list "
                "once the cause is fixed."
            ),
            dedup_key=f"cycle:{account.pk}:{step}",
            data={"cycle": cycle.pk, "step": step},
        )
        _enqueue_dispatch()


def _jsonable(result):
    if isinstance(result, dict):
        return {str(k): _jsonable(v) for k, v in result.items()}
    if isinstance(result, list | tuple):
        return [_jsonable(v) for v in result]
    if result is None or isinstance(result, bool | int | float | str):
        return result
    return str(result)


# --- dispatching ---------------------------------------------------------------


def dispatch_cycles(now=None) -> dict:
    """Queue the accounts that are due, reap dead cycles, start what the caps allow."""
    now = now or timezone.now()
    return {
        "reaped": _reap_stale(now),
        "queued": _queue_due(now),
        "started": _start_queued(now),
    }


def _reap_stale(now) -> int:
    stale = list(
        CycleRun.objects.select_related("account").filter(
            status=S.RUNNING, heartbeat_at__lt=now - _stale_after()
        )
    )
    for cycle in stale:
        _fail(cycle, cycle.step or "start", TimeoutError("its worker stopped responding"))
    return len(stale)


def _queue_due(now) -> int:
    # Every active account has a schedule; new accounts get the daily default, due now.
    missing = AdAccount.objects.filter(is_active=True, cycle__isnull=True).values_list(
        "pk", flat=True
    )
    AccountCycle.objects.bulk_create(
        [AccountCycle(account_id=pk) for pk in missing], ignore_conflicts=True
    )
    due = list(
        AccountCycle.objects.filter(enabled=True, account__is_active=True).filter(
            Q(next_due_at__isnull=True) | Q(next_due_at__lte=now)
        )
    )
    queued = 0
    for schedule in due:
        try:
            with transaction.atomic():
                CycleRun.objects.create(account_id=schedule.account_id)
            queued += 1
        except IntegrityError:
            pass  # its previous cycle is still open: this turn is skipped, not stacked
        # From now, not from the old due time: no backlog after downtime.
        AccountCycle.objects.filter(pk=schedule.pk).update(
            next_due_at=now + timedelta(minutes=schedule.every_minutes)
        )
    return queued


def _start_queued(now) -> int:
    org_ids = (
        CycleRun.objects.filter(status=S.QUEUED)
        .values_list("account__organization_id", flat=True)
        .distinct()
    )
    started = 0
    for org_id in list(org_ids):
        with transaction.atomic():
            # The organization row is the lock that makes "count, then start" safe
            # when two dispatchers run at once (PostgreSQL; SQLite serialises writers).
            org = Organization.objects.select_for_update().get(pk=org_id)
            running = CycleRun.objects.filter(
                account__organization_id=org_id, status=S.RUNNING
            ).count()
            free = org.max_concurrent_cycles - running
            if free <= 0:
                continue
            ids = list(
                CycleRun.objects.filter(account__organization_id=org_id, status=S.QUEUED)
                .order_by("queued_at", "pk")
                .values_list("pk", flat=True)[:free]
            )
            for cycle in CycleRun.objects.filter(pk__in=ids):
                if CycleRun.objects.filter(pk=cycle.pk, status=S.QUEUED).update(
                    status=S.RUNNING, started_at=now, heartbeat_at=now
                ):
                    _enqueue_step(cycle, STEP_ORDER[0])
                    started += 1
    return started
