"""The rules a change must pass when it is written, on the current rows (promise 1).

The executor applies them at execution (`executors.checks.execution_checks`); the
approval page asks them too, before a person approves, so it can warn of what would
block the change now. One list of rules for both, here in campaigns because each rule
reads only campaigns' state (switches, policy, campaign, recommendations); the
executor's side effect — noting in the audit that a kill switch was passed — stays
with the executor.
"""

from collections.abc import Iterator
from datetime import datetime, time
from zoneinfo import ZoneInfo

from campaigns.account_time import account_today
from campaigns.auth import is_system
from campaigns.guardrails import (
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
from campaigns.switches import ORGANIZATION, SwitchState, writes_allowed

K = RecommendationKind
# Changes that undo or stop spending are never held back by the learning-rate limits.
CORRECTIVE = (Source.ROLLBACK, Source.SPEND_LIMIT)
HELD_BY_EXPERIMENT = "held_by_experiment"


def is_persons_pause(rec: Recommendation) -> bool:
    """A pause a person asked for (console or API). It stops spending, the safe direction:
    no limit on how much Spectra changes (changes per day, cooldown) ever holds it back,
    and it passes the organization's kill switch. Their resume is not exempt."""
    return rec.kind == K.PAUSE and rec.source == Source.PERSON


def switch_exemption(rec: Recommendation, switch: SwitchState) -> str:
    """Why `rec` goes through although `switch` is off ('' if it does not)."""
    if switch.enabled:
        return ""
    # The switch stops every write that could spend — but not the pause of a campaign
    # past its spend limit, which is what the switch is there to protect, nor a person's
    # pause past their organization's own switch: it stops spending. The operators'
    # switches (environment, global) still stop a person's pause.
    if rec.kind == K.PAUSE and rec.source == Source.SPEND_LIMIT:
        return "a pause at the spend limit stops spending"
    if is_persons_pause(rec) and switch.scope == ORGANIZATION:
        return f"a pause asked for by {rec.decided_by} stops spending"
    return ""


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


def execution_refusals(
    rec: Recommendation,
    *,
    limits: PolicyLimits,
    now: datetime,
    done_today: int | None = None,
    switch: SwitchState | None = None,
) -> Iterator[Verdict]:
    """Every rule that would refuse `rec` now, in the executor's order, lazily.

    The executor takes the first (and asks no further); the approval page lists them
    all. `done_today` lets a batch count once instead of once per recommendation;
    `switch` is `writes_allowed(...)` when the caller has it already.
    """
    account, campaign = rec.account, rec.campaign
    switch = switch or writes_allowed(account.organization_id)
    if not switch.enabled and not switch_exemption(rec, switch):
        yield Verdict(False, "kill_switch", switch.reason)
    if account.execution_mode == ExecutionMode.READ_ONLY:
        yield Verdict(False, "read_only", f"account '{account}' is read-only")
    if (
        campaign is not None
        and campaign.is_pinned
        and rec.kind in TUNING
        and rec.source not in CORRECTIVE
    ):
        # Pinned after it was approved: the person's pin wins (proposals_recheck
        # supersedes what is still only proposed).
        yield Verdict(False, "pinned", f"'{campaign}' is pinned: Spectra leaves it as it is")
    if campaign is not None and campaign.experiment_hold and rec.source == Source.OPTIMIZER:
        # The control arm of an experiment: executing Spectra's own change there would
        # erase the difference the experiment measures (a person's change, a rollback and
        # a spend-limit pause still go through). Shipping it re-queues these.
        yield Verdict(
            False, HELD_BY_EXPERIMENT, f"'{campaign}' is held: {campaign.experiment_hold}"
        )
    if (
        limits.require_manual_approval
        and rec.source not in CORRECTIVE
        and (rec.decided_by is None or is_system(rec.decided_by))
    ):
        yield Verdict(
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
            yield verdict
        if rec.proposed_value > campaign.daily_budget:
            spent = check_spend_limits(
                spend_today=campaign.spend_today,
                spend_to_date=campaign.spend_to_date,
                max_daily_spend=campaign.max_daily_spend,
                total_spend_limit=campaign.total_spend_limit,
            )
            if not spent.ok:
                yield spent
    if rec.kind == K.RESUME:
        spent = check_spend_limits(
            spend_today=campaign.spend_today,
            spend_to_date=campaign.spend_to_date,
            max_daily_spend=campaign.max_daily_spend,
            total_spend_limit=campaign.total_spend_limit,
        )
        if not spent.ok:
            yield spent
    if rec.kind == K.BID and rec.source not in CORRECTIVE:
        verdict = check_bid(current=rec.ad_group.bid, proposed=rec.proposed_value, limits=limits)
        if not verdict.ok:
            yield verdict
    if held_by_cooldown(rec.kind, source=rec.source, targets_campaign=campaign is not None):
        verdict = check_cooldown(campaign.last_significant_change_at, now=now, limits=limits)
        if not verdict.ok:
            yield verdict
    if (
        limits.max_changes_per_run is not None
        and rec.source not in CORRECTIVE
        and not is_persons_pause(rec)
    ):
        done = (
            executed_today(rec.account, now, exclude_pk=rec.pk)
            if done_today is None
            else done_today
        )
        if done >= limits.max_changes_per_run:
            yield Verdict(
                False,
                "max_changes_per_run",
                f"{done} changes already executed today "
                f"(policy: at most {limits.max_changes_per_run})",
            )
