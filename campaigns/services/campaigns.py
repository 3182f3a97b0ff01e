"""Services that change campaigns: state transitions, limits, the change lock."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from campaigns.auth import authorize
from campaigns.models import Campaign, CampaignStatus
from campaigns.services.errors import ServiceError, TransitionRefused
from campaigns.services.history import apply_transition, save_with_history

# Transitions a person may take from the console; the lock transitions are
# the executor's alone (it calls campaign_lock_for_change / campaign_unlock).
PERSON_TRANSITIONS = {
    "start_asset_generation",
    "mark_assets_ready",
    "start_deployment",
    "mark_deployed",
    "fail",
    "reset_to_draft",
    "pause",
    "resume",
    "archive",
}


def _locked(campaign: Campaign) -> Campaign:
    """The campaign's current row, locked for this transaction where the database can."""
    return Campaign.objects.select_for_update().select_related("account").get(pk=campaign.pk)


def campaign_transition(*, campaign: Campaign, transition: str, actor, reason: str) -> Campaign:
    """Move a campaign through one of its person-facing transitions.

    Checks the actor's role in the campaign's organization, applies the FSM
    transition on the current row and records actor and reason in history.
    Raises PermissionDenied, TransitionRefused or ServiceError.
    """
    if transition not in PERSON_TRANSITIONS:
        raise ServiceError(f"'{transition}' is not a campaign transition a person can take.")
    if not reason.strip():
        raise ServiceError("Say why: a reason is required for every campaign transition.")
    authorize(actor, "campaigns.transition_campaign", campaign)
    with transaction.atomic():
        current = _locked(campaign)
        authorize(actor, "campaigns.transition_campaign", current)  # the stored row decides
        apply_transition(current, transition)
        if transition in {"pause", "archive"}:
            current.lock_expires_at = None
        save_with_history(current, actor=actor, reason=reason)
    return current


def campaign_pause(*, campaign: Campaign, actor, reason: str) -> Campaign:
    """Pause an active (or optimizing) campaign in Spectra."""
    return campaign_transition(campaign=campaign, transition="pause", actor=actor, reason=reason)


def campaign_resume(*, campaign: Campaign, actor, reason: str) -> Campaign:
    """Resume a paused campaign in Spectra."""
    return campaign_transition(campaign=campaign, transition="resume", actor=actor, reason=reason)


def campaign_archive(*, campaign: Campaign, actor, reason: str) -> Campaign:
    """Archive a campaign (from any state but archived)."""
    return campaign_transition(campaign=campaign, transition="archive", actor=actor, reason=reason)


def campaign_update_limits(
    *,
    campaign: Campaign,
    actor,
    reason: str,
    max_daily_spend: Decimal | None,
    total_spend_limit: Decimal | None,
    target_roas: Decimal | None = None,
    target_cpa: Decimal | None = None,
    is_pinned: bool | None = None,
) -> Campaign:
    """Set a campaign's spend limits, targets and pin (analyst and above).

    Limits tighter than what the campaign already spends are allowed — the
    spend-limit job will then pause it — but nonsensical values are refused.
    """
    authorize(actor, "campaigns.change_spend_limits", campaign)
    for label, value in (
        ("Max daily spend", max_daily_spend),
        ("Total spend limit", total_spend_limit),
        ("Target ROAS", target_roas),
        ("Target CPA", target_cpa),
    ):
        if value is not None and value <= 0:
            raise ServiceError(f"{label} must be greater than zero (got {value}).")
    with transaction.atomic():
        current = _locked(campaign)
        authorize(actor, "campaigns.change_spend_limits", current)  # the stored row decides
        current.max_daily_spend = max_daily_spend
        current.total_spend_limit = total_spend_limit
        current.target_roas = target_roas
        current.target_cpa = target_cpa
        if is_pinned is not None:
            current.is_pinned = is_pinned
        save_with_history(current, actor=actor, reason=reason or "Limits updated")
    return current


def campaign_lock_for_change(
    *, campaign: Campaign, actor, reason: str, lease: timedelta
) -> Campaign:
    """Take the campaign lock (ACTIVE → OPTIMIZING) for one platform write.

    An OPTIMIZING campaign whose lease ran out is taken over: its writer died.
    """
    with transaction.atomic():
        current = _locked(campaign)
        now = timezone.now()
        expired = (
            current.status == CampaignStatus.OPTIMIZING
            and current.lock_expires_at is not None
            and current.lock_expires_at <= now
        )
        if not expired:
            if current.status != CampaignStatus.ACTIVE:
                raise TransitionRefused(
                    f"Campaign '{current}' is {current.get_status_display().lower()}; "
                    "only an active campaign can be changed.",
                    current=current.status,
                )
            apply_transition(current, "lock_for_change")
        current.lock_expires_at = now + lease
        save_with_history(current, actor=actor, reason=reason)
    return current


def campaign_unlock(*, campaign: Campaign, actor, reason: str) -> Campaign:
    """Release the campaign lock (OPTIMIZING → ACTIVE); a no-op if it was paused meanwhile."""
    with transaction.atomic():
        current = _locked(campaign)
        if current.status == CampaignStatus.OPTIMIZING:
            apply_transition(current, "unlock_after_change")
        current.lock_expires_at = None
        save_with_history(current, actor=actor, reason=reason)
    return current
