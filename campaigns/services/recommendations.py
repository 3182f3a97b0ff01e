"""Services that move a Recommendation through its life.

Person-facing: approve, reject, requeue (each checks the actor's role in the
recommendation's organization). Executor-facing: claim, then exactly one of
executed / failed / blocked / simulated; and rolled-back. Every change is one
transaction with a history row naming the actor and the reason.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import timedelta

from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from campaigns.auth import authorize, user_can
from campaigns.models import (
    AlertKind,
    Organization,
    Recommendation,
    RecommendationStatus,
    Severity,
)
from campaigns.services.alerts import alert_raise
from campaigns.services.change_sets import change_sets_expire_with_legs
from campaigns.services.errors import ServiceError, TransitionRefused
from campaigns.services.history import (
    apply_transition,
    chunks,
    copy_to_history,
    save_with_history,
)
from campaigns.services.learning_rate import campaigns_record_significant_changes

R = RecommendationStatus


def _current(recommendation: Recommendation) -> Recommendation:
    return (
        Recommendation.objects.select_for_update(of=("self",))
        .select_related("account", "campaign")
        .get(pk=recommendation.pk)
    )


def leg_refusal(change_set_id: int, transition: str) -> str:
    """Why one leg of a change set cannot be approved or rejected on its own."""
    return (
        f"This change is one leg of reallocation #{change_set_id}: {transition} the change set "
        "as a whole (or edit this leg's value and Spectra re-balances the others), so the "
        "pool's total holds."
    )


def _decide(recommendation, *, actor, transition, permission, note, reason):
    authorize(actor, permission, recommendation)
    with transaction.atomic():
        current = _current(recommendation)
        authorize(actor, permission, current)  # the stored row decides, not the copy given
        if current.change_set_id is not None:
            raise TransitionRefused(
                leg_refusal(current.change_set_id, transition), current=current.status
            )
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


def _fsm_edge(name: str) -> tuple[set[str], str]:
    """The source states and target of a Recommendation transition, read from the model.

    The bulk path moves rows with one UPDATE instead of calling the transition
    method per row; reading the edge from the FSM declaration keeps the two
    from disagreeing. A transition that grows conditions cannot be decided in
    bulk this way, so that is refused loudly rather than skipped.
    """
    status = Recommendation._meta.get_field("status")
    edges = [t for t in status.get_all_transitions(Recommendation) if t.name == name]
    if not edges or any(t.conditions for t in edges) or len({t.target for t in edges}) != 1:
        raise ImproperlyConfigured(f"'{name}' cannot be taken in bulk by a conditional UPDATE.")
    return {t.source for t in edges}, edges[0].target


def recommendations_decide_bulk(
    *, recommendations: Iterable[Recommendation], actor, approve: bool, note: str = ""
) -> BulkOutcome:
    """Approve or reject many; each one succeeds or is refused with its reason.

    One refusal (wrong state, another tenant, expired) never undoes the others.
    The same checks as one decision — the actor's role in each row's
    organization, the FSM's source state, expiry — are made on the stored rows,
    locked, and the decided rows move with one conditional UPDATE per chunk and
    one bulk insert of history rows, so 10,000 decisions take seconds, not minutes.
    """
    if not approve and not note.strip():
        raise ServiceError("A rejection needs a note saying why.")
    transition = "approve" if approve else "reject"
    permission = f"campaigns.{transition}_recommendation"
    reason = f"Approved{': ' + note if note else ''}" if approve else f"Rejected: {note}"
    sources, target = _fsm_edge(transition)
    given = {rec.pk: rec for rec in recommendations}
    outcome = BulkOutcome()
    now = timezone.now()
    labels = dict(R.choices)
    may_decide: dict[int, bool] = {}
    with transaction.atomic():
        stored = {}
        for chunk in chunks(list(given)):
            rows = (
                Recommendation.objects.select_for_update(of=("self",))
                .filter(pk__in=chunk)
                .values_list(
                    "pk", "status", "expires_at", "account__organization_id", "change_set_id"
                )
            )
            stored.update({pk: rest for pk, *rest in rows})
        deciding, expiring = [], []
        for pk, rec in given.items():
            if pk not in stored:
                outcome.refused.append((rec, "It no longer exists."))
                continue
            status, expires_at, org_id, change_set_id = stored[pk]
            if org_id not in may_decide:
                # The stored row's organization decides, not the copy given.
                may_decide[org_id] = user_can(actor, permission, Organization(pk=org_id))
            if not may_decide[org_id]:
                outcome.refused.append(
                    (rec, f"{actor} may not {transition} recommendations in this organization.")
                )
            elif change_set_id is not None:
                outcome.refused.append((rec, leg_refusal(change_set_id, transition)))
            elif status not in sources:
                outcome.refused.append(
                    (
                        rec,
                        f"Cannot {transition} a recommendation that is "
                        f"{labels.get(status, status).lower()}.",
                    )
                )
            elif approve and expires_at is not None and expires_at <= now:
                expiring.append(pk)
                outcome.refused.append(
                    (
                        rec,
                        f"This recommendation expired at {expires_at:%Y-%m-%d %H:%M} UTC; "
                        "the next optimisation run will propose a fresh one.",
                    )
                )
            else:
                deciding.append(pk)
        if expiring:
            expire_sources, expired = _fsm_edge("expire")
            recommendations_move_bulk(
                expiring,
                sources=expire_sources,
                target=expired,
                now=now,
                actor=actor,
                reason="Expired before it was approved",
            )
        if deciding:
            outcome.done = recommendations_move_bulk(
                deciding,
                sources=sources,
                target=target,
                now=now,
                actor=actor,
                reason=reason,
                decided_by=actor,
                decided_at=now,
                decision_note=note,
            )
            moved = {rec.pk for rec in outcome.done}
            for pk in deciding:
                if pk not in moved:  # pragma: no cover - the rows are locked; kept for safety
                    outcome.refused.append(
                        (given[pk], "It was changed by someone else at the same time.")
                    )
    return outcome


def recommendations_move_bulk(
    ids, *, sources, target, now, actor, reason, **fields
) -> list[Recommendation]:
    """Move `ids` still in `sources` to `target` and write one history row each.

    No checks: the caller has locked the rows and decided (the bulk decision
    above, a change set's decision).
    """
    for chunk in chunks(ids):
        Recommendation.objects.filter(pk__in=chunk, status__in=sources).update(
            status=target, updated_at=now, **fields
        )
    moved = []
    for chunk in chunks(ids):
        moved += Recommendation.objects.filter(pk__in=chunk, status=target, updated_at=now)
    copy_to_history(Recommendation, [rec.pk for rec in moved], actor=actor, reason=reason, when=now)
    return moved


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
    """The platform accepted the change; a significant one starts its campaign's cooldown."""
    now = timezone.now()
    with transaction.atomic():
        done = _finish(
            recommendation,
            actor=actor,
            transition="mark_executed",
            reason="Executed on the platform",
            outcome_detail=detail,
            executed_at=now,
        )
        campaigns_record_significant_changes(recommendations=[done], when=now)
    return done


def recommendation_mark_failed(*, recommendation, actor, detail: str):
    """Refused for good (validation, not found, permission); `detail` is the platform's
    error in words. A person is told (an alert), in the same transaction."""
    with transaction.atomic():
        failed = _finish(
            recommendation,
            actor=actor,
            transition="mark_failed",
            reason=f"Failed: {detail}",
            outcome_detail=detail,
        )
        _alert_not_applied(failed, f"Could not apply: {failed}", detail, "execution_failed")
    return failed


def _alert_not_applied(rec: Recommendation, title: str, detail: str, kind: str) -> None:
    alert_raise(
        organization_id=rec.account.organization_id,
        account=rec.account,
        campaign=rec.campaign,
        kind=AlertKind.EXECUTION_FAILED,
        severity=Severity.WARNING,
        title=title,
        message=detail,
        dedup_key=f"{kind}:{rec.pk}",
        data={"recommendation": rec.pk},
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


def recommendation_wait(*, recommendation, actor, not_before, detail: str) -> Recommendation:
    """Transient trouble (a 429, a spent quota) and nothing applied: back to APPROVED,
    to be tried again from `not_before` on — never FAILED for a passing problem."""
    return _finish(
        recommendation,
        actor=actor,
        transition="wait",
        reason=f"Waiting until {not_before:%H:%M:%S} UTC: {detail}"[:500],
        outcome_detail=f"waiting: {detail}",
        not_before=not_before,
    )


def recommendations_wait_bulk(*, ids: Iterable[int], actor, not_before, detail: str) -> int:
    """`recommendation_wait` for many claimed changes at once (a batch's throttled or
    unsent writes): one conditional UPDATE and one history row each, the same state and
    `outcome_detail` as one at a time."""
    sources, target = _fsm_edge("wait")
    ids = list(ids)
    if not ids:
        return 0
    now = timezone.now()
    with transaction.atomic():
        moved = recommendations_move_bulk(
            ids,
            sources=sources,
            target=target,
            now=now,
            actor=actor,
            reason=f"Waiting until {not_before:%H:%M:%S} UTC: {detail}"[:500],
            not_before=not_before,
            lease_expires_at=None,
            outcome_detail=f"waiting: {detail}"[:2000],
        )
    return len(moved)


def recommendations_hold(*, ids: Iterable[int], not_before, detail: str) -> int:
    """Hold APPROVED changes back until `not_before` (an open breaker, the rate limit,
    the quota): one UPDATE, no state change and so no history row — the ExecutionLog
    row written beside it says what held them."""
    moved = 0
    for chunk in chunks(list(ids)):
        moved += Recommendation.objects.filter(pk__in=chunk, status=R.APPROVED).update(
            not_before=not_before,
            lease_expires_at=None,
            outcome_detail=f"waiting: {detail}"[:2000],
        )
    return moved


def recommendation_note(*, recommendation, actor, reason: str) -> bool:
    """A history row on the recommendation saying `reason`, with no change of state: an
    execution-time rule it was let through, for the audit. Once per reason (a change
    that waits and is tried again is not noted again); returns whether it was written."""
    with transaction.atomic():
        current = _current(recommendation)
        if current.history.filter(history_change_reason=reason).exists():
            return False
        save_with_history(current, actor=actor, reason=reason, update_fields=["updated_at"])
    return True


def recommendation_expire_waiting(*, recommendation, actor) -> Recommendation:
    """An APPROVED change that transient trouble kept waiting past its expiry: EXPIRED,
    with the reason in words (what it was waiting for) and an alert."""
    why = recommendation.outcome_detail.removeprefix("waiting: ") or "the platform was unavailable"
    at = f" at {recommendation.expires_at:%Y-%m-%d %H:%M} UTC" if recommendation.expires_at else ""
    detail = f"Expired{at} before it could be applied; it was waiting because {why}"[:2000]
    with transaction.atomic():
        current = _current(recommendation)
        apply_transition(current, "expire_waiting")
        current.outcome_detail = detail
        current.lease_expires_at = None
        save_with_history(current, actor=actor, reason=detail[:500])
        _alert_not_applied(
            current, f"Expired before it could be applied: {current}", detail, "execution_expired"
        )
    return current


def recommendations_expire_waiting(*, account, actor, now=None) -> list[Recommendation]:
    """Expire the account's approved changes that transient trouble kept waiting past
    their expiry (`recommendation_expire_waiting` each).

    Only changes that were held back (`not_before` set) expire here: an approval
    that never met trouble is carried out as it always was.
    """
    now = now or timezone.now()
    waiting = Recommendation.objects.filter(
        account=account, status=R.APPROVED, not_before__isnull=False, expires_at__lte=now
    ).filter(models.Q(lease_expires_at__isnull=True) | models.Q(lease_expires_at__lt=now))
    expired = []
    for rec in waiting.select_related("account", "campaign"):
        try:
            expired.append(recommendation_expire_waiting(recommendation=rec, actor=actor))
        except TransitionRefused:
            continue  # taken by a worker meanwhile
    return expired


def recommendation_mark_rolled_back(*, recommendation, actor, rollback: Recommendation):
    """The inverse change `rollback` executed; the original is now rolled back."""
    if recommendation.pk not in rolled_back_by(rollback):
        raise ServiceError("That recommendation is not a rollback of this one.")
    return _finish(
        recommendation,
        actor=actor,
        transition="mark_rolled_back",
        reason=f"Rolled back by recommendation #{rollback.pk}",
    )


def rolled_back_by(rollback: Recommendation) -> list[int]:
    """The changes a rollback undoes: the one it names, and (a rollback to a campaign
    version) every later change of the same setting it restores."""
    ids = list((rollback.evidence or {}).get("rolls_back") or [])
    if rollback.rollback_of_id and rollback.rollback_of_id not in ids:
        ids.append(rollback.rollback_of_id)
    return ids


def recommendations_expire_bulk(*, queryset, actor, reason: str, detail: str = "") -> int:
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
        kept = {"outcome_detail": detail[:2000]} if detail else {}  # why, for the queue
        Recommendation.objects.filter(pk__in=ids).update(status=R.EXPIRED, updated_at=now, **kept)
        Recommendation.history.bulk_history_create(
            list(Recommendation.objects.filter(pk__in=ids)),
            update=True,  # a change of an existing row, not its creation
            default_user=actor,
            default_change_reason=reason,
            default_date=now,
        )
        with_them = change_sets_expire_with_legs(leg_ids=ids, actor=actor, reason=reason, now=now)
    return len(ids) + with_them


def recommendations_create_bulk(
    *, recommendations: list[Recommendation], actor, reason: str
) -> list[Recommendation]:
    """Create proposals in bulk, each with a history row naming who proposed them."""
    return bulk_create_with_history(
        recommendations, Recommendation, default_user=actor, default_change_reason=reason
    )
