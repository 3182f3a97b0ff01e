"""Services for declared seasonal events (analysts and above)."""

from django.db import transaction

from campaigns.auth import authorize
from campaigns.services.errors import ServiceError
from campaigns.services.history import save_with_history
from optimizer.models import SeasonalEvent


def seasonal_event_save(*, event: SeasonalEvent, actor, reason: str) -> SeasonalEvent:
    """Declare or edit an event; the optimiser stops reading its days as a trend."""
    permission = (
        "optimizer.add_seasonalevent" if event.pk is None else "optimizer.change_seasonalevent"
    )
    authorize(actor, permission, event)
    if event.end_date < event.start_date:
        raise ServiceError("An event cannot end before it starts.")
    if event.multiplier <= 0:
        raise ServiceError("The expected multiplier must be above zero (1.00 = a normal day).")
    with transaction.atomic():
        if event.pk is not None:
            stored = SeasonalEvent.objects.select_for_update().get(pk=event.pk)
            authorize(actor, permission, stored)
            if stored.organization_id != event.organization_id:
                raise ServiceError("An event cannot move to another organization.")
        save_with_history(event, actor=actor, reason=reason or "Seasonal event declared")
    return event


def seasonal_event_delete(*, event: SeasonalEvent, actor, reason: str) -> None:
    """Withdraw an event; its history row names who and why."""
    with transaction.atomic():
        stored = SeasonalEvent.objects.select_for_update().get(pk=event.pk)
        authorize(actor, "optimizer.delete_seasonalevent", stored)
        stored._history_user = actor
        stored._change_reason = reason or "Seasonal event withdrawn"
        stored.delete()
