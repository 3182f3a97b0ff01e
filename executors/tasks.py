"""django-q2 entry points for reading platforms; thin callers of executors.sync.

Safe to run twice (sync upserts). Arguments are ids, never model instances,
so a redelivered task reads the current state.
"""

from campaigns.actors import system_user
from campaigns.models import AdAccount
from campaigns.services.job_alerts import Job, job_outcome
from executors.pipeline import execute_approved, recover_executions
from executors.spend_limits import enforce_spend_limits
from executors.sync import sync_account
from executors.windows import sync_window


def sync_account_task(account_id: int, days: int = 10) -> dict:
    """Sync the last `days` complete days of one account (re-reads lagging conversions)."""
    account = AdAccount.objects.get(pk=account_id)
    date_from, date_to = sync_window(account, days=days)
    with job_outcome(Job.SYNC, account=account):
        run = sync_account(
            account=account, date_from=date_from, date_to=date_to, actor=system_user()
        )
    return {
        "sync_run": run.pk,
        "status": run.status,
        "created": run.metrics_created,
        "updated": run.metrics_updated,
        "quarantined": run.rows_quarantined,
        "kept": run.fields_kept,
    }


def execute_approved_task(account_id: int) -> dict:
    """Carry out the account's approved recommendations (each is claimed once)."""
    return execute_approved(account=AdAccount.objects.get(pk=account_id))


def recover_executions_task() -> int:
    """Finish executions whose worker died (expired leases)."""
    with job_outcome(Job.RECOVERY):
        return recover_executions()


def enforce_spend_limits_task(account_id: int) -> int:
    """Pause the account's campaigns that passed a spend limit; returns how many.

    Promise 1's guard: a check that fails is an alert, never silence."""
    account = AdAccount.objects.get(pk=account_id)
    with job_outcome(Job.SPEND_LIMITS, account=account):
        return len(enforce_spend_limits(account=account))


def deploy_campaign_task(campaign_id: int) -> str | None:
    """Deploy one launch (retries and leases are spectra.launch's, not this wrapper's)."""
    from executors.deploy import deploy_campaign

    return deploy_campaign(campaign_id, actor=system_user())
