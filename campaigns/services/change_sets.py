"""Change sets: a budget-pool reallocation proposed, decided and expired as one.

A reallocation keeps its pool's total only as a whole. Every leg of a set
shares one decision (the strictest risk and approval requirement among its
legs), and whatever ends one leg's proposal — supersession, staleness —
ends the others' in the same transaction.
"""

from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from campaigns.models import (
    ChangeSet,
    ChangeSetStatus,
    Recommendation,
    RecommendationStatus,
    Risk,
)
from campaigns.services.history import chunks, copy_to_history

R = RecommendationStatus
CS = ChangeSetStatus
_RISK_ORDER = [Risk.LOW, Risk.MEDIUM, Risk.HIGH]


def change_sets_create_bulk(
    *, sets: list[tuple[ChangeSet, list[Recommendation]]], actor, reason: str
) -> list[ChangeSet]:
    """Create change sets and their legs' proposals, each with a history row.

    The legs' totals are taken from their values (`total_before` / `total_after`
    are what the legs move, to the cent), and every leg gets the set's risk and
    approval requirement: a set is approved by policy entirely or not at all.
    Legs are not created here; pass them to `recommendations_create_bulk`
    afterwards (they arrive with `change_set` set).
    """
    sets = [(cs, legs) for cs, legs in sets if legs]
    for change_set, legs in sets:
        change_set.total_before = sum((leg.current_value for leg in legs), start=0)
        change_set.total_after = sum((leg.proposed_value for leg in legs), start=0)
        risk = max((leg.risk for leg in legs), key=_RISK_ORDER.index)
        needs_approval = any(leg.requires_approval for leg in legs)
        for leg in legs:
            leg.risk = risk
            leg.requires_approval = needs_approval
    created = bulk_create_with_history(
        [cs for cs, _ in sets], ChangeSet, default_user=actor, default_change_reason=reason
    )
    for change_set, (_, legs) in zip(created, sets, strict=True):
        for leg in legs:
            leg.change_set = change_set
    return created


def change_sets_expire_with_legs(*, leg_ids: list[int], actor, reason: str, now=None) -> int:
    """Expire the still-proposed sets of these (just expired) legs, and their other legs.

    One superseded or stale leg makes its whole set stale: approving the rest
    would move the pool's total. Returns how many other legs expired with them.
    Called inside the caller's transaction.
    """
    now = now or timezone.now()
    set_ids = set()
    for chunk in chunks(list(leg_ids)):
        set_ids.update(
            Recommendation.objects.filter(pk__in=chunk, change_set__isnull=False).values_list(
                "change_set_id", flat=True
            )
        )
    if not set_ids:
        return 0
    with transaction.atomic():
        sets = list(
            ChangeSet.objects.select_for_update()
            .filter(pk__in=set_ids, status=CS.PROPOSED)
            .values_list("pk", flat=True)
        )
        if not sets:
            return 0
        ChangeSet.objects.filter(pk__in=sets).update(status=CS.EXPIRED, updated_at=now)
        ChangeSet.history.bulk_history_create(
            list(ChangeSet.objects.filter(pk__in=sets)),
            update=True,
            default_user=actor,
            default_change_reason=reason,
            default_date=now,
        )
        others = list(
            Recommendation.objects.filter(change_set_id__in=sets, status=R.PROPOSED)
            .select_for_update(of=("self",))
            .values_list("pk", flat=True)
        )
        if others:
            Recommendation.objects.filter(pk__in=others, status=R.PROPOSED).update(
                status=R.EXPIRED, updated_at=now
            )
            Recommendation.history.bulk_history_create(
                list(Recommendation.objects.filter(pk__in=others)),
                update=True,
                default_user=actor,
                default_change_reason=f"{reason} (another leg of its change set expired)",
                default_date=now,
            )
    return len(others)


def change_sets_mark_approved(*, ids, actor, note: str, now) -> int:
    """The sets whose legs were all just approved (by policy) are approved too."""
    ids = list(set(ids))
    open_legs = Recommendation.objects.filter(change_set_id__in=ids, status=R.PROPOSED)
    ids = list(
        ChangeSet.objects.filter(pk__in=ids, status=CS.PROPOSED)
        .exclude(pk__in=open_legs.values("change_set_id"))
        .values_list("pk", flat=True)
    )
    ChangeSet.objects.filter(pk__in=ids).update(
        status=CS.APPROVED, decided_by=actor, decided_at=now, decision_note=note, updated_at=now
    )
    copy_to_history(ChangeSet, ids, actor=actor, reason=note, when=now)
    return len(ids)
