"""The learning-rate bookkeeping: when a campaign last had a significant change.

Written when a change is recorded as executed, whatever its kind, so the
cooldown the optimiser, a person's proposal and the executor check (all
through campaigns.guardrails) covers bids, pauses and resumes as well as
budgets.
"""

from campaigns.guardrails import is_significant
from campaigns.models import Campaign


def campaigns_record_significant_changes(*, recommendations, when) -> int:
    """Start the cooldown of the campaigns these executed changes touched; returns how many.

    A bookkeeping column, moved with one UPDATE (no history row of its own: the
    change's history says what happened). Never moves the time backwards.
    """
    ids = {
        rec.campaign_id
        for rec in recommendations
        if is_significant(rec.kind, targets_campaign=rec.campaign_id is not None)
    }
    if not ids:
        return 0
    return (
        Campaign.objects.filter(pk__in=ids)
        .exclude(last_significant_change_at__gte=when)
        .update(last_significant_change_at=when)
    )
