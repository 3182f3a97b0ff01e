"""The hand-off to the executor: a held campaign carries the reason on its row.

The executor may not import experiments, so the hold is state on the campaign
(`Campaign.experiment_hold`, read by campaigns.execution_rules). This service keeps it
equal to `held_campaigns`; it runs at start, stop and ship, and daily (switchbacks turn).
"""

import datetime as dt

from django.db import transaction

from campaigns.models import Campaign
from experiments.selectors import held_campaigns


def holds_sync(*, account, today: dt.date | None = None) -> int:
    """Set or clear the hold on the account's campaigns; returns how many rows changed."""
    held = held_campaigns(account, today)
    changed = 0
    with transaction.atomic():
        for experiment in {e.pk: e for e in held.values()}.values():
            reason = f"control of experiment '{experiment.name}' (#{experiment.pk})"
            ids = [c for c, e in held.items() if e.pk == experiment.pk]
            changed += (
                Campaign.objects.filter(pk__in=ids)
                .exclude(experiment_hold=reason)
                .update(experiment_hold=reason)
            )
        changed += (
            Campaign.objects.filter(account=account)
            .exclude(experiment_hold="")
            .exclude(pk__in=list(held))
            .update(experiment_hold="")
        )
    return changed
