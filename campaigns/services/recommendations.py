"""Services that move a Recommendation through its life.

Person-facing: approve, reject, requeue (each checks the actor's role in the
recommendation's organization). Executor-facing: claim, then exactly one of
executed / failed / blocked / simulated; and rolled-back. Every change is one
transaction with a history row naming the actor and the reason.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from campaigns.auth import authorize
from campaigns.models import Recommendation, RecommendationStatus
from campaigns.services.errors import ServiceError, TransitionRefused
from campaigns.services.history import apply_transition, save_with_history

R = RecommendationStatus


def _current(recommendation: Recommendation) -> Recommendation:
    return (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("account", "campaign")
        .get(pk=recommendation.pk)
    )


def _decide(recommendation, *, actor, transition, permission, note, reason):
    authorize(actor, permission, recommendation)
    with transaction.atomic():
        current = _current(recommendation)
        authorize(actor, permission, current)  # the stored row decides, not the copy given
        if (
            transition == "approve"
            and current.status == R.PROPOSED
            and current.expires_at
            and current.expires_at <= timezone.now()
        ):
            apply_transition(current, "expire")
            save_with_history(current, actor=actor, reason="Expired before it was approved")
            expired = current
        else:
            expired = None
            apply_transition(current, transition)
            current.decided_by = actor
            current.decided_at = timezone.now()
            current.decision_note = note
            save_with_history(current, actor=actor, reason=reason)
    if expired is not None:
        raise TransitionRefused(
            f"This recommendation expired at {expired.expires_at:%Y-%m-%d %H:%M} UTC; "
            "the next optimisation run will propose a fresh one.",
            current=expired.status,
        )
    return current


def recommendation_approve(*, recommendation: Recommendation, actor, note: str = ""):
    """Approve a proposed change so the executor may carry it out."""
    return _decide(
        recommendation,
        actor=actor,
        transition="approve",
        permission="campaigns.approve_recommendation",
        note=note,
        reason=f"Approved{': ' + note if note else ''}",
    )


def recommendation_reject(*, recommendation: Recommendation, actor, note: str):
    """Reject a proposed change; the note (why) is required."""
    if not note.strip():
        raise ServiceError("A rejection needs a note saying why.")
    return _decide(
        recommendation,
        actor=actor,
        transition="reject",
        permission="campaigns.reject_recommendation",
        note=note,
        reason=f"Rejected: {note}",
    )


def recommendation_requeue(*, recommendation: Recommendation, actor, note: str = ""):
    """Put a FAILED or BLOCKED recommendation back in the execution queue."""
    authorize(actor, "campaigns.approve_recommendation", recommendation)
    with transaction.atomic():
        current = _current(recommendation)
        authorize(actor, "campaigns.approve_recommendation", current)
        apply_transition(current, "requeue")
        current.lease_expires_at = None
        save_with_history(current, actor=actor, reason=f"Re-queued{': ' + note if note else ''}")
    return current


def recommendation_expire(*, recommendation: Recommendation, actor, reason: str):
    """Expire a proposal that was superseded or went stale."""
    with transaction.atomic():
        current = _current(recommendation)
        apply_transition(current, "expire")
        save_with_history(current, actor=actor, reason=reason)
    return current


@dataclass
class BulkOutcome:
    done: list[Recommendation] = field(default_factory=list)
    refused: list[tuple[Recommendation, str]] = field(default_factory=list)


def recommendations_decide_bulk(
    *, recommendations: Iterable[Recommendation], actor, approve: bool, note: str = ""
) -> BulkOutcome:
    """Approve or reject many; each one succeeds or is refused with its reason.

    One refusal (wrong state, another tenant, expired) never undoes the others.
    """
    if not approve and not note.strip():
        raise ServiceError("A rejection needs a note saying why.")
    outcome = BulkOutcome()
    for rec in recommendations:
        try:
            if approve:
                outcome.done.append(
                    recommendation_approve(recommendation=rec, actor=actor, note=note)
                )
            else:
                outcome.done.append(
                    recommendation_reject(recommendation=rec, actor=actor, note=note)
                )
        except (ServiceError, PermissionDenied) as exc:
            outcome.refused.append((rec, str(exc)))
    return outcome


# --- executor-facing ----------------------------------------------------------


def recommendation_claim(*, recommendation: Recommendation, actor, lease: timedelta) -> bool:
    """Claim an APPROVED recommendation for execution; True only for the one winner.

    A single conditional UPDATE, so two workers (or one task delivered twice)
    can never both claim it, on SQLite and PostgreSQL alike. The history row is
    written in the same transaction.
    """
    now = timezone.now()
    with transaction.atomic():
        won = (
            Recommendation.objects.filter(pk=recommendation.pk, status=R.APPROVED).update(
                status=R.EXECUTING,
                lease_expires_at=now + lease,
                updated_at=now,
            )
            == 1
        )
        if won:
            claimed = Recommendation.objects.get(pk=recommendation.pk)
            claimed.attempts += 1
            save_with_history(
                claimed, actor=actor, reason="Claimed for execution", update_fields=["attempts"]
            )
    return won


def _finish(recommendation, *, actor, transition, reason, **fields):
    with transaction.atomic():
        current = _current(recommendation)
        apply_transition(current, transition)
        for name, value in fields.items():
            setattr(current, name, value)
        current.lease_expires_at = None
        save_with_history(current, actor=actor, reason=reason)
    return current


def recommendation_mark_executed(*, recommendation, actor, detail: str = ""):
    """The platform accepted the change."""
    return _finish(
        recommendation,
        actor=actor,
        transition="mark_executed",
        reason="Executed on the platform",
        outcome_detail=detail,
        executed_at=timezone.now(),
    )


def recommendation_mark_failed(*, recommendation, actor, detail: str):
    """Retries are exhausted; `detail` is the platform's error in words."""
    return _finish(
        recommendation,
        actor=actor,
        transition="mark_failed",
        reason=f"Failed: {detail}",
        outcome_detail=detail,
    )


def recommendation_block(*, recommendation, actor, rule: str, detail: str):
    """A guardrail refused the change at execution time; the reason is kept."""
    return _finish(
        recommendation,
        actor=actor,
        transition="block",
        reason=f"Blocked by {rule}: {detail}",
        outcome_detail=f"{rule}: {detail}",
    )


def recommendation_mark_simulated(*, recommendation, actor, request: dict):
    """Dry-run account: nothing was written; keep the exact request that would have been."""
    return _finish(
        recommendation,
        actor=actor,
        transition="mark_simulated",
        reason="Simulated (dry run): nothing written",
        simulated_request=request,
        executed_at=timezone.now(),
    )


def recommendation_mark_rolled_back(*, recommendation, actor, rollback: Recommendation):
    """The inverse change `rollback` executed; the original is now rolled back."""
    if rollback.rollback_of_id != recommendation.pk:
        raise ServiceError("That recommendation is not a rollback of this one.")
    return _finish(
        recommendation,
        actor=actor,
        transition="mark_rolled_back",
        reason=f"Rolled back by recommendation #{rollback.pk}",
    )


def recommendations_expire_bulk(*, queryset, actor, reason: str) -> int:
    """Expire every still-PROPOSED recommendation of `queryset` (superseded or stale).

    One conditional UPDATE (only rows still PROPOSED move, so an approval that
    raced ahead is never undone) and one bulk insert of history rows.
    """
    with transaction.atomic():
        # Locked (PostgreSQL) so an approval cannot slip in between read and update.
        ids = list(
            queryset.filter(status=R.PROPOSED)
            .select_for_update(of=("self",))
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        now = timezone.now()
        Recommendation.objects.filter(pk__in=ids).update(status=R.EXPIRED, updated_at=now)
        Recommendation.history.bulk_history_create(
            list(Recommendation.objects.filter(pk__in=ids)),
            default_user=actor,
            default_change_reason=reason,
            default_date=now,
        )
    return len(ids)


def recommendations_create_bulk(
    *, recommendations: list[Recommendation], actor, reason: str
) -> list[Recommendation]:
    """Create proposals in bulk, each with a history row naming who proposed them."""
    return bulk_create_with_history(
        recommendations, Recommendation, default_user=actor, default_change_reason=reason
    )
