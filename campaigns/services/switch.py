"""Flipping the kill switches: the global one and an organization's own."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from campaigns.auth import authorize
from campaigns.models import ExecutionSwitch, Organization
from campaigns.services.errors import ServiceError
from campaigns.services.history import save_with_history
from campaigns.switches import forget_switches


def _reason_required(reason: str) -> str:
    if not reason.strip():
        raise ServiceError("Say why platform writes are switched on or off.")
    return reason.strip()


def execution_switch_set(*, actor, enabled: bool, reason: str) -> ExecutionSwitch:
    """Switch platform writes on or off for every organization (Spectra's operators only)."""
    if not (actor and actor.is_active and actor.is_superuser):
        raise PermissionDenied("Only Spectra's operators may flip the global execution switch.")
    reason = _reason_required(reason)
    with transaction.atomic():
        # Created on the first flip, so the first history record names its author too.
        switch = ExecutionSwitch.objects.select_for_update().filter(
            pk=ExecutionSwitch.SINGLETON_PK
        ).first() or ExecutionSwitch(pk=ExecutionSwitch.SINGLETON_PK)
        switch.enabled = enabled
        switch.reason = reason[:500]
        switch.changed_by = actor
        switch.changed_at = timezone.now()
        state = "on" if enabled else "off"
        save_with_history(switch, actor=actor, reason=f"Platform writes switched {state}: {reason}")
    forget_switches()
    return switch


def organization_execution_set(
    *, organization: Organization, actor, enabled: bool, reason: str
) -> Organization:
    """Switch platform writes on or off for one organization (its admins)."""
    authorize(actor, "campaigns.flip_execution_switch", organization)
    reason = _reason_required(reason)
    with transaction.atomic():
        current = Organization.objects.select_for_update().get(pk=organization.pk)
        current.execution_enabled = enabled
        state = "on" if enabled else "off"
        save_with_history(
            current,
            actor=actor,
            reason=f"Platform writes switched {state} for {current}: {reason}",
            update_fields=["execution_enabled"],
        )
    forget_switches()
    return current
