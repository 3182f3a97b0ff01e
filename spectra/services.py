"""Services of the shell app: changing an account's cycle schedule."""

from django.db import transaction
from django.utils import timezone

from campaigns.auth import authorize
from campaigns.services.errors import ServiceError
from campaigns.services.history import save_with_history
from spectra.models import AccountCycle


def account_cycle_update(
    *, schedule: AccountCycle, actor, every_minutes: int, enabled: bool, reason: str = ""
) -> AccountCycle:
    """Change how often (and whether) an account's cycle runs; due at once when shortened."""
    authorize(actor, "spectra.change_accountcycle", schedule)
    if every_minutes < 1:
        raise ServiceError("A cycle runs at most once a minute: give a positive interval.")
    with transaction.atomic():
        current = AccountCycle.objects.select_for_update().get(pk=schedule.pk)
        shortened = every_minutes < current.every_minutes
        current.every_minutes = every_minutes
        current.enabled = enabled
        if shortened or current.next_due_at is None:
            current.next_due_at = timezone.now()
        state = "enabled" if enabled else "disabled"
        save_with_history(
            current,
            actor=actor,
            reason=reason or f"Cycle every {every_minutes} min, {state}",
        )
    return current
