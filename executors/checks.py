"""The guardrails again, at execution time, on the current rows (promise 1).

The optimiser proposed within them when it ran; since then a person may have
changed a limit, another change may have executed, the day's budget of changes
may be spent, or someone may have flipped the kill switch. Each check answers
with a campaigns.guardrails Verdict naming its rule.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from campaigns.account_time import account_today
from campaigns.actors import system_user
from campaigns.auth import is_system
from campaigns.guardrails import (
    ALLOW,
    PolicyLimits,
    Verdict,
    check_bid,
    check_budget,
    check_cooldown,
    check_spend_limits,
    held_by_cooldown,
)
from campaigns.models import (
    ExecutionMode,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Source,
)
from campaigns.services.proposal_checks import TUNING
from campaigns.services.recommendations import recommendation_note
from campaigns.switches import ORGANIZATION, SwitchState, writes_allowed

K = RecommendationKind
# Changes that undo or stop spending are never held back by the learning-rate limits.
CORRECTIVE = (Source.ROLLBACK, Source.SPEND_LIMIT)


def is_persons_pause(rec: Recommendation) -> bool:
    """A pause a person asked for (console or API). It stops spending, the safe direction:
    no limit on how much Spectra changes (changes per day, cooldown) ever holds it back,
    and it passes the organization's kill switch. Their resume is not exempt."""
    return rec.kind == K.PAUSE and rec.source == Source.PERSON


def _switch_passed(rec: Recommendation, switch: SwitchState, why: str) -> None:
    # The audit says that a switch was off and why this change went through anyway.
    recommendation_note(
        recommendation=rec,
        actor=system_user(),
        reason=f"Kill switch passed ({switch.reason}): {why}",
    )


def executed_today(account, now: datetime, *, exclude_pk: int | None = None) -> int:
    """Changes executed (or being executed) today in the account's own day."""
    day_start = datetime.combine(
        account_today(account, now), time(), tzinfo=ZoneInfo(account.time_zone)
    )
    return (
        Recommendation.objects.filter(
            account=account,
            executed_at__gte=day_start,
            status__in=[RecommendationStatus.EXECUTED, RecommendationStatus.EXECUTING],
        )
        .exclude(pk=exclude_pk)
        .count()
    )


def execution_checks(
    rec: Recommendation, *, limits: PolicyLimits, now: datetime, done_today: int | None = None
) -> Verdict:
    """`done_today` lets a batch count once instead of once per recommendation."""
    account, campaign = rec.account, rec.campaign
    stops_spending = rec.kind == K.PAUSE and rec.source == Source.SPEND_LIMIT
    persons_pause = is_persons_pause(rec)
    switch = writes_allowed(account.organization_id)
    if not switch.enabled:
        # The switch stops every write that could spend — but not the pause of a
        # campaign past its spend limit, which is what the switch is there to protect,
        # nor a person's pause past their organization's own switch: it stops spending.
        # The operators' switches (environment, global) still stop a person's pause.
        if stops_spending:
            _switch_passed(rec, switch, "a pause at the spend limit stops spending")
        elif persons_pause and switch.scope == ORGANIZATION:
            _switch_passed(rec, switch, f"a pause asked for by {rec.decided_by} stops spending")
        else:
            return Verdict(False, "kill_switch", switch.reason)
    if account.execution_mode == ExecutionMode.READ_ONLY:
        return Verdict(False, "read_only", f"account '{account}' is read-only")
    if (
        campaign is not None
        and campaign.is_pinned
        and rec.kind in TUNING
        and rec.source not in CORRECTIVE
    ):
        # Pinned after it was approved: the person's pin wins (proposals_recheck
        # supersedes what is still only proposed).
        return Verdict(False, "pinned", f"'{campaign}' is pinned: Spectra leaves it as it is")
    if (
        limits.require_manual_approval
        and rec.source not in CORRECTIVE
        and (rec.decided_by is None or is_system(rec.decided_by))
    ):
        return Verdict(
            False, "require_manual_approval", "the policy requires a person to approve every change"
        )
    if rec.kind == K.BUDGET:
        verdict = check_budget(
            current=campaign.daily_budget,
            proposed=rec.proposed_value,
            limits=limits,
            max_daily_spend=campaign.max_daily_spend,
            currency=account.currency,
        )
        # Corrective changes skip the learning-rate rules (step cap, floor), never the
        # spend limit: a rollback must not lift a budget above a limit set since.
        if not verdict.ok and (rec.source not in CORRECTIVE or verdict.rule == "max_daily_spend"):
            return verdict
        if rec.proposed_value > campaign.daily_budget:
            spent = check_spend_limits(
                spend_today=campaign.spend_today,
                spend_to_date=campaign.spend_to_date,
                max_daily_spend=campaign.max_daily_spend,
                total_spend_limit=campaign.total_spend_limit,
            )
            if not spent.ok:
                return spent
    if rec.kind == K.RESUME:
        spent = check_spend_limits(
            spend_today=campaign.spend_today,
            spend_to_date=campaign.spend_to_date,
            max_daily_spend=campaign.max_daily_spend,
            total_spend_limit=campaign.total_spend_limit,
        )
        if not spent.ok:
            return spent
    if rec.kind == K.BID and rec.source not in CORRECTIVE:
        verdict = check_bid(current=rec.ad_group.bid, proposed=rec.proposed_value, limits=limits)
        if not verdict.ok:
            return verdict
    if held_by_cooldown(rec.kind, source=rec.source, targets_campaign=campaign is not None):
        verdict = check_cooldown(campaign.last_significant_change_at, now=now, limits=limits)
        if not verdict.ok:
            return verdict
    if (
        limits.max_changes_per_run is not None
        and rec.source not in CORRECTIVE
        and not persons_pause
    ):
        done = (
            executed_today(rec.account, now, exclude_pk=rec.pk)
            if done_today is None
            else done_today
        )
        if done >= limits.max_changes_per_run:
            return Verdict(
                False,
                "max_changes_per_run",
                f"{done} changes already executed today "
                f"(policy: at most {limits.max_changes_per_run})",
            )
    return ALLOW


GO, WAIT, BLOCK = "go", "wait", "block"


def change_set_turn(rec: Recommendation) -> tuple[str, str]:
    """Whether a leg of a reallocation may be written now: (GO | WAIT | BLOCK, why).

    A reallocation keeps its pool's total only if its decreases land before its
    increases: an increase goes only once the decreases already applied on the
    platform free at least what it (and the set's increases applied or in flight)
    adds, so the total on the platform never exceeds the one approved, not even
    between two writes. While a decrease is still on its way the increase waits;
    once none is left to come, an increase that would exceed the total is blocked.
    """
    if (
        rec.kind != K.BUDGET
        or not rec.change_set_id
        or rec.proposed_value is None
        or rec.current_value is None
        or rec.proposed_value <= rec.current_value
    ):
        return GO, ""
    legs = (
        Recommendation.objects.filter(change_set_id=rec.change_set_id, kind=K.BUDGET)
        .exclude(pk=rec.pk)
        .values_list("status", "current_value", "proposed_value")
    )
    R = RecommendationStatus
    freed = used = 0
    coming = False
    for status, before, after in legs:
        if after < before:
            if status == R.EXECUTED:
                freed += before - after
            elif status in (R.PROPOSED, R.APPROVED, R.EXECUTING):
                coming = True
        elif after > before and status in (R.EXECUTED, R.EXECUTING):
            used += after - before
    need = rec.proposed_value - rec.current_value
    if used + need <= freed:
        return GO, ""
    if coming:
        return WAIT, (
            f"its reallocation's decreases are not all applied yet ({freed} freed, "
            f"{used + need} needed): an increase never goes before them"
        )
    return BLOCK, (
        f"its reallocation's decreases freed {freed}, and this increase with those already "
        f"applied needs {used + need}: the pool's total would exceed what was approved"
    )
