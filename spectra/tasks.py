"""Periodic entry points that fan out per account; each step is a thin service call.

spectra is the only layer that knows sync (executors), anomalies and optimisation
(optimizer) together, so the per-account sequence lives here.
"""

from django_q.tasks import async_task

from campaigns.models import AdAccount
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
