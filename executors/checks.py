"""The guardrails again, at execution time, on the current rows (promise 1).

The optimiser proposed within them when it ran; since then a person may have
changed a limit, another change may have executed, the day's budget of changes
may be spent, or someone may have flipped the kill switch. Each check answers
with a campaigns.guardrails Verdict naming its rule.
"""

from datetime import datetime, time
from zoneinfo import ZoneInfo

from campaigns.auth import is_system
from campaigns.guardrails import (
    ALLOW,
    PolicyLimits,
    Verdict,
    check_bid,
    check_budget,
    check_cooldown,
    check_spend_limits,
)
from campaigns.models import (
    ExecutionMode,
    Recommendation,
    RecommendationKind,
    RecommendationStatus,
    Source,
)
from campaigns.switches import writes_allowed
from executors.windows import account_today

K = RecommendationKind
# Changes that undo or stop spending are never held back by the learning-rate limits.
CORRECTIVE = (Source.ROLLBACK, Source.SPEND_LIMIT)


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
    switch = writes_allowed(account.organization_id)
    if not switch.enabled and not stops_spending:
        # The switch stops every write that could spend — but not the pause of a
        # campaign past its spend limit, which is what the switch is there to protect.
        return Verdict(False, "kill_switch", switch.reason)
    if account.execution_mode == ExecutionMode.READ_ONLY:
        return Verdict(False, "read_only", f"account '{account}' is read-only")
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
    if rec.kind in (K.BUDGET, K.BID) and rec.source not in CORRECTIVE:
        verdict = check_cooldown(campaign.last_significant_change_at, now=now, limits=limits)
        if not verdict.ok:
            return verdict
    if limits.max_changes_per_run is not None and rec.source not in CORRECTIVE:
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
