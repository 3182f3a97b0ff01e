"""Ending an experiment (approver): stop it, ship it to all, or cancel a plan."""

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from campaigns.auth import authorize
from campaigns.execution_rules import HELD_BY_EXPERIMENT
from campaigns.models import Recommendation, RecommendationStatus
from campaigns.services.history import apply_transition, save_with_history
from campaigns.services.recommendations import recommendation_requeue
from experiments.models import Experiment
from experiments.services.holds import holds_sync


def _end(experiment: Experiment, *, actor, transition: str, decision: str) -> Experiment:
    authorize(actor, "experiments.start_experiment", experiment)
    current = Experiment.objects.select_for_update().get(pk=experiment.pk)
    apply_transition(current, transition)
    current.ended_by, current.ended_at, current.decision = actor, timezone.now(), decision
    save_with_history(current, actor=actor, reason=decision)
    holds_sync(account=current.account)
    return current


def experiment_stop(*, experiment: Experiment, actor, note: str = "") -> Experiment:
    """Stop a running experiment: its campaigns are no longer held; what Spectra proposed
    for the control while it ran stays blocked (it was not shown to help)."""
    with transaction.atomic():
        return _end(experiment, actor=actor, transition="stop", decision=note or "Stopped")


def experiment_cancel(*, experiment: Experiment, actor, note: str = "") -> Experiment:
    """Cancel a planned (or running) experiment without a decision; holds are released."""
    with transaction.atomic():
        return _end(experiment, actor=actor, transition="cancel", decision=note or "Cancelled")


def experiment_ship(*, experiment: Experiment, actor, note: str = "") -> Experiment:
    """Ship: end the holdout so the control campaigns get Spectra's changes too, and
    re-queue the changes held back from them (through the usual approval: the actor
    must be allowed to approve, and the executor checks every guardrail again)."""
    now = timezone.now()
    with transaction.atomic():
        current = _end(experiment, actor=actor, transition="ship", decision=note or "Shipped")
        held = Recommendation.objects.filter(
            campaign_id__in=current.units.values("campaign_id"),
            status=RecommendationStatus.BLOCKED,
            outcome_detail__startswith=f"{HELD_BY_EXPERIMENT}:",
        ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
        for rec in held:
            recommendation_requeue(
                recommendation=rec, actor=actor, note=f"experiment '{current.name}' shipped"
            )
    return current
