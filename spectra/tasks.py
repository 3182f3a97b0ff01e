"""Periodic entry points that fan out per account; each step is a thin service call.

spectra is the only layer that knows sync (executors), anomalies and optimisation
(optimizer) together, so the per-account sequence lives here.
"""

from django.db.models import Min, Q
from django.utils import timezone
from django_q.tasks import async_task

from campaigns.models import AdAccount, ExecutionMode, RecommendationStatus
from executors.tasks import sync_account_task
from optimizer.anomaly_alerts import detect_account_anomalies


def sync_all_accounts(days: int = 10) -> int:
    """Enqueue one sync per active account; one account's failure never stops another's."""
    ids = list(AdAccount.objects.filter(is_active=True).values_list("pk", flat=True))
    for account_id in ids:
        async_task(
            "spectra.tasks.sync_and_check_account",
            account_id,
            days,
            task_name=f"sync account {account_id}",
            group="sync",
        )
    return len(ids)


def sync_and_check_account(account_id: int, days: int = 10) -> dict:
    """Sync an account, then look for anomalies in what arrived (both safe to repeat)."""
    result = sync_account_task(account_id, days)
    result["anomalies"] = detect_account_anomalies(account=AdAccount.objects.get(pk=account_id))
    return result


def enforce_all_spend_limits() -> int:
    """Enqueue the spend-limit check of every active account (every 15 minutes)."""
    ids = list(AdAccount.objects.filter(is_active=True).values_list("pk", flat=True))
    for account_id in ids:
        async_task(
            "executors.tasks.enforce_spend_limits_task",
            account_id,
            task_name=f"spend limits {account_id}",
            group="spend-limits",
        )
    return len(ids)


def execute_all_approved(now=None) -> int:
    """Enqueue the execution of every account with approved changes waiting (every minute).

    What a person approves in the console between two cycles is carried out within
    a minute, and what a tripped breaker, the rate limit or a kill switch held back
    is picked up again once they allow it — never left APPROVED until tomorrow's
    cycle. Each organization gets at most `max_concurrent_executions` accounts per
    tick, oldest approval first, so one tenant's backlog cannot fill the queue.
    Executing is idempotent per recommendation (claims), so a tick that overlaps
    the cycle's own execute step costs nothing but a few queries.
    """
    now = now or timezone.now()
    waiting = (
        AdAccount.objects.filter(is_active=True)
        .exclude(execution_mode=ExecutionMode.READ_ONLY)
        .filter(
            Q(recommendations__lease_expires_at__isnull=True)
            | Q(recommendations__lease_expires_at__lt=now),
            # Held back by transient trouble until then (or due to expire: the
            # executor expires those first).
            Q(recommendations__not_before__isnull=True)
            | Q(recommendations__not_before__lte=now)
            | Q(recommendations__expires_at__lte=now),
            recommendations__status=RecommendationStatus.APPROVED,
        )
        .annotate(oldest=Min("recommendations__decided_at"))
        .order_by("oldest", "pk")
        .values_list("pk", "organization_id", "organization__max_concurrent_executions")
    )
    per_org: dict[int, int] = {}
    enqueued = 0
    for account_id, org_id, cap in waiting:
        if per_org.get(org_id, 0) >= cap:
            continue
        per_org[org_id] = per_org.get(org_id, 0) + 1
        async_task(
            "executors.tasks.execute_approved_task",
            account_id,
            task_name=f"execute approved {account_id}",
            group="execute",
        )
        enqueued += 1
    return enqueued
