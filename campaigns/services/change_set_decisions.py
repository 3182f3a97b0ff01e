"""A person decides a reallocation as a whole: approve, reject, or edit one leg.

Approving some legs of a reallocation and rejecting others would move the
pool's total, so a leg is never decided alone (campaigns.services.recommendations
refuses it) and every decision here moves the set and all its legs in one
transaction, with a history row for each. Editing a leg re-balances the other
legs so the total stays exact to the minor unit, within each leg's guardrails.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from campaigns.auth import authorize, user_can
from campaigns.guardrails import budget_bounds, check_budget, limits_of, rebalance_legs
from campaigns.models import (
    ChangeSet,
    ChangeSetStatus,
    Organization,
    Recommendation,
    RecommendationStatus,
)
from campaigns.money import minor_unit
from campaigns.selectors import policy_for_account
from campaigns.services.errors import GuardrailRefused, ServiceError, TransitionRefused
from campaigns.services.history import copy_to_history, save_with_history
from campaigns.services.recommendations import (
    recommendations_expire_bulk,
    recommendations_move_bulk,
)

R = RecommendationStatus
CS = ChangeSetStatus


@dataclass
class ChangeSetOutcome:
    done: list[ChangeSet] = field(default_factory=list)
    refused: list[tuple[ChangeSet, str]] = field(default_factory=list)


def change_sets_decide_bulk(
    *, change_sets: Iterable[ChangeSet], actor, approve: bool, note: str = ""
) -> ChangeSetOutcome:
    """Approve or reject many change sets, each with all its legs or not at all.

    A set is refused as a whole (another tenant, not proposed, a leg no longer
    proposed, expired) without undoing the others. A set with an expired leg
    expires entirely. The stored, locked rows decide, not the copies given.
    """
    if not approve and not note.strip():
        raise ServiceError("A rejection needs a note saying why.")
    transition = "approve" if approve else "reject"
    permission = f"campaigns.{transition}_recommendation"
    target = R.APPROVED if approve else R.REJECTED
    reason = f"Approved{': ' + note if note else ''}" if approve else f"Rejected: {note}"
    given = {cs.pk: cs for cs in change_sets}
    outcome = ChangeSetOutcome()
    now = timezone.now()
    may_decide: dict[int, bool] = {}
    with transaction.atomic():
        stored = {
            cs.pk: cs
            for cs in ChangeSet.objects.select_for_update(of=("self",))
            .select_related("account")
            .filter(pk__in=list(given))
        }
        legs = defaultdict(list)
        for row in (
            Recommendation.objects.select_for_update(of=("self",))
            .filter(change_set_id__in=list(stored))
            .order_by("pk")
            .values_list("pk", "change_set_id", "status", "expires_at")
        ):
            legs[row[1]].append(row)
        deciding, expiring = [], []
        for pk, given_set in given.items():
            change_set = stored.get(pk)
            if change_set is None:
                outcome.refused.append((given_set, "It no longer exists."))
                continue
            org_id = change_set.account.organization_id
            if org_id not in may_decide:
                may_decide[org_id] = user_can(actor, permission, Organization(pk=org_id))
            stale = [leg for leg in legs[pk] if leg[3] is not None and leg[3] <= now]
            not_proposed = [leg for leg in legs[pk] if leg[2] != R.PROPOSED]
            if not may_decide[org_id]:
                refusal = f"{actor} may not {transition} recommendations in this organization."
            elif change_set.status != CS.PROPOSED:
                refusal = (
                    f"Cannot {transition} a change set that is "
                    f"{change_set.get_status_display().lower()}."
                )
            elif not_proposed:
                leg_pk, _, status, _ = not_proposed[0]
                refusal = (
                    f"Its leg #{leg_pk} is {R(status).label.lower()}; a change set is decided "
                    "only while every leg is proposed."
                )
            elif approve and stale:
                expiring.append(pk)
                refusal = (
                    f"This change set expired at {stale[0][3]:%Y-%m-%d %H:%M} UTC; "
                    "the next optimisation run will propose a fresh one."
                )
            else:
                deciding.append(pk)
                continue
            outcome.refused.append((given_set, refusal))
        if expiring:
            recommendations_expire_bulk(
                queryset=Recommendation.objects.filter(change_set_id__in=expiring),
                actor=actor,
                reason="Expired before it was approved",
            )
        if deciding:
            recommendations_move_bulk(
                [leg[0] for pk in deciding for leg in legs[pk]],
                sources={R.PROPOSED},
                target=target,
                now=now,
                actor=actor,
                reason=f"{reason} (with its change set)",
                decided_by=actor,
                decided_at=now,
                decision_note=note,
            )
            ChangeSet.objects.filter(pk__in=deciding, status=CS.PROPOSED).update(
                status=CS.APPROVED if approve else CS.REJECTED,
                decided_by=actor,
                decided_at=now,
                decision_note=note,
                updated_at=now,
            )
            copy_to_history(ChangeSet, deciding, actor=actor, reason=reason, when=now)
            outcome.done = list(ChangeSet.objects.filter(pk__in=deciding))
    return outcome


def _one(change_set: ChangeSet, *, actor, approve: bool, note: str) -> ChangeSet:
    outcome = change_sets_decide_bulk(
        change_sets=[change_set], actor=actor, approve=approve, note=note
    )
    if outcome.refused:
        (_, refusal), current = outcome.refused[0], ChangeSet.objects.filter(pk=change_set.pk)
        raise TransitionRefused(refusal, current=current.values_list("status", flat=True).first())
    return outcome.done[0]


def change_set_approve(*, change_set: ChangeSet, actor, note: str = "") -> ChangeSet:
    """Approve a reallocation: every leg becomes APPROVED together, or none does."""
    authorize(actor, "campaigns.approve_recommendation", change_set)
    return _one(change_set, actor=actor, approve=True, note=note)


def change_set_reject(*, change_set: ChangeSet, actor, note: str) -> ChangeSet:
    """Reject a reallocation as a whole; the note (why) is required."""
    authorize(actor, "campaigns.reject_recommendation", change_set)
    return _one(change_set, actor=actor, approve=False, note=note)


def change_set_edit_leg(
    *, leg: Recommendation, proposed_value: Decimal, actor, note: str = ""
) -> ChangeSet:
    """Set one leg's budget and re-balance the other legs so the set's total stays exact.

    The edited value must pass the leg's guardrails; the others move in
    proportion to their room within their own caps and floors (largest
    remainder, to the currency's minor unit). If no re-balance fits, nothing
    changes and GuardrailRefused says why. The set stays proposed: the person
    then approves it as a whole.
    """
    authorize(actor, "campaigns.change_recommendation", leg)
    if leg.change_set_id is None:
        raise ServiceError("Only a leg of a change set is edited and re-balanced.")
    with transaction.atomic():
        change_set = ChangeSet.objects.select_for_update().get(pk=leg.change_set_id)
        authorize(actor, "campaigns.change_recommendation", change_set)
        legs = list(
            Recommendation.objects.select_for_update(of=("self",))
            .select_related("campaign", "account")
            .filter(change_set=change_set)
            .order_by("pk")
        )
        if change_set.status != CS.PROPOSED or any(x.status != R.PROPOSED for x in legs):
            raise TransitionRefused(
                "Only a proposed change set is edited; this one is "
                f"{change_set.get_status_display().lower()}.",
                current=change_set.status,
            )
        edited = next(x for x in legs if x.pk == leg.pk)
        others = [x for x in legs if x.pk != leg.pk]
        account = edited.account
        limits = limits_of(policy_for_account(account))
        quantum = minor_unit(account.currency)
        if proposed_value != proposed_value.quantize(quantum):
            raise ServiceError(f"A budget in {account.currency} is given in steps of {quantum}.")
        verdict = check_budget(
            current=edited.current_value,
            proposed=proposed_value,
            limits=limits,
            max_daily_spend=edited.campaign.max_daily_spend,
            currency=account.currency,
        )
        if not verdict.ok:
            raise GuardrailRefused(
                f"Refused by {verdict.rule}: {verdict.detail}.", rule=verdict.rule
            )
        plan = rebalance_legs(
            proposed=[x.proposed_value for x in others],
            bounds=[_rebalance_bounds(x, limits, quantum) for x in others],
            target_total=change_set.total_after - proposed_value,
            quantum=quantum,
        )
        if plan.values is None:
            raise GuardrailRefused(
                f"Refused by budget_neutrality: no re-balance keeps the pool's total at "
                f"{change_set.total_after} {account.currency} — {plan.detail}.",
                rule="budget_neutrality",
            )
        why = f"Edited by {actor} to {proposed_value}{': ' + note if note else ''}"
        for x, value in [(edited, proposed_value), *zip(others, plan.values, strict=True)]:
            if x.proposed_value == value:
                continue
            x.proposed_value = value
            x.decision_note = note
            save_with_history(
                x,
                actor=actor,
                reason=why if x is edited else f"Re-balanced after leg #{edited.pk} was edited",
                update_fields=["proposed_value", "decision_note", "updated_at"],
            )
        save_with_history(change_set, actor=actor, reason=why, update_fields=["updated_at"])
    return change_set


def _rebalance_bounds(leg: Recommendation, limits, quantum) -> tuple[Decimal, Decimal]:
    """Where a re-balance may move a leg: within its guardrails, and on its own side of
    its current budget — an increase is not turned into a cut behind the reviewer's back."""
    lower, upper = budget_bounds(
        current=leg.current_value,
        limits=limits,
        max_daily_spend=leg.campaign.max_daily_spend,
        quantum=quantum,
    )
    if leg.proposed_value > leg.current_value:
        return max(lower, leg.current_value), upper
    return lower, min(upper, leg.current_value)
