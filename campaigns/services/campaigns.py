"""Services that change campaigns: state transitions, limits, the change lock."""

from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django_fsm import can_proceed
from django_q.tasks import async_task

from campaigns.auth import authorize
from campaigns.guardrails import PolicyLimits, risk_of
from campaigns.models import (
    Campaign,
    CampaignStatus,
    ExecutionMode,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Source,
)
from campaigns.services.errors import ServiceError, TransitionRefused
from campaigns.services.history import apply_transition, save_with_history
from campaigns.services.launches import launch_generate
from campaigns.services.proposal_checks import proposals_recheck
from campaigns.services.recommendations import recommendations_create_bulk

# Transitions a person may take from the console; the lock transitions are
# the pipeline's alone (campaigns.services.execution locks in bulk; recovery
# releases a dead writer's lock with campaign_unlock), and a launch's are taken
# by the services that do their work (campaigns.services.launches): assets are
# ready when generated and checked, deployed when the platform says so.
PERSON_TRANSITIONS = {
    "start_asset_generation",
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
    if transition == "start_asset_generation":  # starts the work, not only the state
        return launch_generate(campaign=campaign, actor=actor)
    with transaction.atomic():
        current = _locked(campaign)
        authorize(actor, "campaigns.transition_campaign", current)  # the stored row decides
        apply_transition(current, transition)
        if transition in {"pause", "archive"}:
            current.lock_expires_at = None
        save_with_history(current, actor=actor, reason=reason)
        if transition in {"pause", "archive"}:
            proposals_recheck(
                campaigns=[current], actor=actor, because=f"{transition}d: {reason}", stopping=True
            )
    return current


# A person's pause or resume waits in these states until the platform has answered.
OPEN_STATUSES = (RecommendationStatus.APPROVED, RecommendationStatus.EXECUTING)
STATUS_KINDS = {"pause": RecommendationKind.PAUSE, "resume": RecommendationKind.RESUME}


def campaign_pending_status_change(campaign: Campaign) -> Recommendation | None:
    """The pause or resume on its way to the platform for this campaign, if any."""
    return (
        Recommendation.objects.filter(
            campaign=campaign, kind__in=STATUS_KINDS.values(), status__in=OPEN_STATUSES
        )
        .order_by("-pk")
        .first()
    )


def _request_status_change(*, campaign: Campaign, transition: str, actor, reason: str):
    """A person's pause/resume as a pre-approved change the execution pipeline writes.

    Spectra's own status moves only when the platform has confirmed (the
    executor records it), so the console never shows "paused" while the
    platform still spends. Asking twice returns the change already on its way.
    """
    if not reason.strip():
        raise ServiceError("Say why: a reason is required for every campaign transition.")
    authorize(actor, "campaigns.transition_campaign", campaign)
    if transition == "start_asset_generation":  # starts the work, not only the state
        return launch_generate(campaign=campaign, actor=actor)
    kind = STATUS_KINDS[transition]
    with transaction.atomic():
        current = _locked(campaign)
        authorize(actor, "campaigns.transition_campaign", current)  # the stored row decides
        pending = campaign_pending_status_change(current)
        if pending is not None and pending.kind == kind:
            return pending
        if pending is not None:
            raise TransitionRefused(
                f"A {pending.get_kind_display().lower()} of '{current}' is still on its way to "
                "the platform; wait until it is confirmed.",
                current=current.status,
            )
        if not can_proceed(getattr(current, transition)):
            raise TransitionRefused(
                f"Cannot {transition} a campaign that is {current.get_status_display().lower()}.",
                current=current.status,
            )
        account = current.account
        if account.execution_mode == ExecutionMode.READ_ONLY:
            raise ServiceError(
                f"Blocked: account '{account}' is read-only, so Spectra cannot {transition} "
                f"'{current}' on the platform. {transition.capitalize()} it on the platform "
                "itself; the next sync shows it here."
            )
        now = timezone.now()
        [change] = recommendations_create_bulk(
            recommendations=[
                Recommendation(
                    account=account,
                    campaign=current,
                    kind=kind,
                    source=Source.PERSON,
                    status=RecommendationStatus.APPROVED,
                    risk=risk_of(kind, None, PolicyLimits()),
                    requires_approval=False,
                    decided_by=actor,
                    decided_at=now,
                    decision_note=reason.strip(),
                    reason=f"{transition.capitalize()}d by {actor}: {reason.strip()}",
                )
            ],
            actor=actor,
            reason=f"{transition.capitalize()} requested by {actor}: {reason.strip()}",
        )
        if transition == "pause":  # nothing tunes a campaign a person is stopping
            proposals_recheck(
                campaigns=[current],
                actor=actor,
                because=f"a pause was requested by {actor}: {reason.strip()}",
                stopping=True,
            )
        # The executor carries it out now, not at the next sweep: a pause stops spending.
        transaction.on_commit(
            lambda: async_task(
                "executors.tasks.execute_approved_task",
                account.pk,
                task_name=f"{transition} campaign {current.pk} · account {account.pk}",
                group="execution",
            ),
            robust=True,
        )
    return change


def campaign_pause(*, campaign: Campaign, actor, reason: str) -> Recommendation:
    """Pause a running campaign on the platform, through the execution pipeline.

    Returns the pre-approved PAUSE change; the campaign shows "Pausing…" until
    the platform confirms, then PAUSED. Refused in a read-only account.
    """
    return _request_status_change(campaign=campaign, transition="pause", actor=actor, reason=reason)


def campaign_resume(*, campaign: Campaign, actor, reason: str) -> Recommendation:
    """Resume a paused campaign on the platform, through the execution pipeline."""
    return _request_status_change(
        campaign=campaign, transition="resume", actor=actor, reason=reason
    )


def status_change_message(change: Recommendation) -> str:
    """What a person is told after asking for a pause or resume, in the account's mode."""
    verb = "pause" if change.kind == RecommendationKind.PAUSE else "resume"
    campaign = change.campaign
    if change.account.execution_mode == ExecutionMode.DRY_RUN:
        return (
            f"Simulated: account '{change.account}' is in dry run, so the {verb} of "
            f"'{campaign}' is simulated and nothing is written to the platform; the campaign "
            f"stays {campaign.get_status_display().lower()}."
        )
    return (
        f"{'Pausing' if verb == 'pause' else 'Resuming'}…: the {verb} of '{campaign}' is on "
        f"its way to the platform; it shows as {'paused' if verb == 'pause' else 'active'} "
        "once the platform confirms."
    )


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
        proposals_recheck(
            campaigns=[current],
            actor=actor,
            because=f"limits or pin changed by {actor}: {reason or 'limits updated'}",
        )
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
