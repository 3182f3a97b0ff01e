"""django-q2 entry points for the optimiser; thin callers of optimizer.services."""

from campaigns.models import AdAccount
from optimizer.services import optimize_account


def optimize_account_task(account_id: int) -> dict:
    """Optimise one account for its today; a second delivery returns the same run."""
    run = optimize_account(account=AdAccount.objects.get(pk=account_id))
    return {"run": run.pk, "status": run.status, "proposed": run.proposed, "held": run.held}
