"""Approval by policy: the changes an account's autonomy lets Spectra apply itself."""

from django.db import transaction
from django.utils import timezone

from campaigns.actors import system_user
from campaigns.guardrails import limits_of, requires_approval
from campaigns.models import AdAccount, Recommendation, RecommendationStatus, Risk
from campaigns.selectors import policy_for_account
from campaigns.services.change_sets import change_sets_mark_approved
from campaigns.services.recommendations import recommendations_expire_bulk

R = RecommendationStatus


def recommendations_approve_by_policy(*, account: AdAccount, now=None) -> int:
    """Approve the account's open proposals that no person needs to see; returns how many.

    The decision is taken again now, with the policy and autonomy in force now —
    not the `requires_approval` the optimiser stored — because either may have
    tightened since the proposal (an account switched to manual approval must
    not have yesterday's proposals auto-applied). Proposals made under another
    policy version wait for a person. The actor is the system user and the
    history says which policy version approved it; the executor checks the
    policy once more before it writes.
    """
    now = now or timezone.now()
    policy = policy_for_account(account)
    limits = limits_of(policy)
    allowed_risks = [
        risk
        for risk in Risk.values
        if not requires_approval(risk=risk, autonomy=account.autonomy, limits=limits)
    ]
    if not allowed_risks:
        return 0
    actor = system_user()
    note = f"Approved by policy v{policy.version} ({account.get_autonomy_display().lower()})"
    with transaction.atomic():
        ids = list(
            Recommendation.objects.filter(
                account=account,
                status=R.PROPOSED,
                requires_approval=False,
                risk__in=allowed_risks,
                policy_version=policy.version,
            )
            .exclude(expires_at__lte=now)
            .select_for_update(of=("self",))
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        # Conditional on PROPOSED: a person's rejection that raced ahead stands.
        moved = Recommendation.objects.filter(pk__in=ids, status=R.PROPOSED).update(
            status=R.APPROVED, decided_by=actor, decided_at=now, decision_note=note, updated_at=now
        )
        Recommendation.history.bulk_history_create(
            list(Recommendation.objects.filter(pk__in=ids, status=R.APPROVED, decided_at=now)),
            update=True,  # a change of an existing row, not its creation
            default_user=actor,
            default_change_reason=note,
            default_date=now,
        )
        # A change set's legs share one risk and approval requirement, so its legs
        # were approved together; the set's own decision moves with them.
        change_sets_mark_approved(
            ids=Recommendation.objects.filter(pk__in=ids, status=R.APPROVED, decided_at=now)
            .exclude(change_set=None)
            .values_list("change_set_id", flat=True),
            actor=actor,
            note=note,
            now=now,
        )
    return moved


def recommendations_expire_stale(*, account: AdAccount, now=None) -> int:
    """Expire the account's proposals whose time ran out before anyone decided."""
    now = now or timezone.now()
    return recommendations_expire_bulk(
        queryset=Recommendation.objects.filter(account=account, expires_at__lte=now),
        actor=system_user(),
        reason="Expired: nobody decided before it went stale",
    )
