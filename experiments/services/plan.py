"""Planning an experiment: its design and why, and what it can detect before it starts.

A test that cannot detect a useful lift wastes weeks of held budgets and then reads as
"no effect", which is not what it showed. So the plan states its minimum detectable
effect (MDE) for the chosen duration and the arms' volume, warns above 15 % and refuses
above 30 %.
"""

import datetime as dt
import math
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db import transaction

from campaigns.account_time import account_today
from campaigns.auth import authorize
from campaigns.models import AdAccount, Campaign, CampaignStatus
from campaigns.services.errors import ServiceError
from campaigns.services.history import save_with_history
from experiments.models import (
    Experiment,
    ExperimentArm,
    ExperimentKind,
    ExperimentMetric,
    ExperimentStatus,
    ExperimentUnit,
)
from experiments.selectors import daily_totals, lag_days_of
from experiments.services.strata import holdout_strata
from experiments.stats.assignment import choose_design
from experiments.stats.power import minimum_detectable_effect, planned_mde
from experiments.stats.windows import last_complete_day

MDE_WARN = 0.15
MDE_REFUSE = 0.30
HISTORY_DAYS = 56  # the recent days the MDE is estimated from (complete days only)
RUNNING = (CampaignStatus.ACTIVE, CampaignStatus.OPTIMIZING)
K = ExperimentKind


@dataclass
class ExperimentPlan:
    account: AdAccount
    name: str
    planned_days: int
    kind: str = K.HOLDOUT  # HOLDOUT becomes SWITCHBACK with too few campaigns
    hypothesis: str = ""
    metric: str = ExperimentMetric.CONVERSION_VALUE
    alpha: Decimal = Decimal("0.050")
    power: Decimal = Decimal("0.800")
    planned_looks: int = 4
    switchback_period_days: int = 7
    campaigns: list[Campaign] = field(default_factory=list)  # empty: every eligible one


def eligible_campaigns(account: AdAccount):
    """Running, unpinned campaigns not already in a planned or running experiment."""
    busy = ExperimentUnit.objects.filter(
        experiment__status__in=[ExperimentStatus.PLANNED, ExperimentStatus.RUNNING]
    ).values("campaign_id")
    return (
        Campaign.objects.filter(account=account, status__in=RUNNING, is_pinned=False)
        .exclude(pk__in=busy)
        .order_by("pk")
    )


def _history(campaign_ids, account) -> tuple[np.ndarray, int]:
    """Daily conversion value, campaigns × complete days (most recent HISTORY_DAYS)."""
    last = last_complete_day(today=account_today(account), lag_days=lag_days_of(account))
    first = last - dt.timedelta(days=HISTORY_DAYS - 1)
    totals = daily_totals(campaign_ids, first, last)
    days = [first + dt.timedelta(days=i) for i in range(HISTORY_DAYS)]
    values = np.array(
        [[totals.get(c, {}).get(d, (0.0,))[0] for d in days] for c in campaign_ids], float
    )
    have = np.flatnonzero(values.sum(axis=0) > 0)
    if have.size == 0:
        return values[:, :0], 0
    values = values[:, have[0] :]  # from the first day with any data
    return values, values.shape[1]


def _holdout_mde(values: np.ndarray, days: int, strata, alpha: float, power: float) -> float:
    """MDE of a holdout of `days`: the readout itself rehearsed on history, a past window of
    `days` against the window before it (the DiD it reads), split within the pairs the
    design will use. Shorter history than two windows is scaled, as day-to-day noise
    averages out over a longer test."""
    window = min(days, values.shape[1] // 2)
    post = values[:, -window:].sum(axis=1)
    pre = values[:, -2 * window : -window].sum(axis=1)
    try:
        mde = planned_mde(pre=pre, post=post, strata=strata, alpha=alpha, power=power)
    except ValueError:  # too noisy (or too empty) for any lift to show
        return math.inf
    return mde * math.sqrt(window / days)


def _switchback_mde(values: np.ndarray, days: int, period: int, alpha, power) -> float:
    """MDE of a switchback: units are campaign-periods, each against its campaign's mean."""
    full = values.shape[1] // period
    if full < 2:
        raise ServiceError(
            f"Not enough history to plan a switchback: {values.shape[1]} complete days, "
            f"at least {2 * period} needed."
        )
    blocks = values[:, -full * period :].reshape(len(values), full, period).sum(axis=2)
    means = blocks.mean(axis=1, keepdims=True)
    keep = means[:, 0] > 0
    residual = (blocks[keep] / means[keep]).ravel()
    cv = float(residual.std(ddof=1))
    periods_run = int(keep.sum()) * max(1, days // period)
    halves = max(1, periods_run // 2)
    return minimum_detectable_effect(
        cv=cv, n_treatment=halves, n_control=halves, alpha=alpha, power=power
    )


def experiment_plan(*, plan: ExperimentPlan, actor) -> Experiment:
    """Plan an experiment (analyst): choose the design with its reason, compute the MDE for
    the duration from the campaigns' recent daily value, refuse a test that cannot detect
    a useful lift, and record it PLANNED with its arms and campaigns."""
    account = plan.account
    authorize(actor, "experiments.plan_experiment", account)
    if plan.kind == K.PROMPT:
        raise ServiceError(
            "Prompt tests are planned with their two prompt versions (prompt_test_plan)."
        )
    if plan.planned_days < 7:
        raise ServiceError("Run an experiment at least 7 days: weekdays differ.")
    campaigns = plan.campaigns or list(eligible_campaigns(account))
    if any(c.account_id != account.pk for c in campaigns):
        raise ServiceError("Every campaign of an experiment must be in its account.")
    alpha, power = float(plan.alpha), float(plan.power)
    period = plan.switchback_period_days
    values, days_seen = _history([c.pk for c in campaigns], account)
    silent = [c for c, total in zip(campaigns, values.sum(axis=1), strict=True) if total <= 0]
    if silent and plan.campaigns:
        raise ServiceError(
            f"{', '.join(map(str, silent))}: no conversion value in the last {HISTORY_DAYS} "
            "complete days, so nothing to measure against."
        )
    if silent:  # chosen for them: leave out what has nothing to measure
        keep = values.sum(axis=1) > 0
        campaigns = [c for c, k in zip(campaigns, keep, strict=True) if k]
        values = values[keep]
    if plan.kind == K.PLATFORM:
        if len(campaigns) != 1:
            raise ServiceError("A Google campaign experiment tests inside one campaign.")
        kind = K.PLATFORM
        reason = (
            "A change inside one campaign (a bid strategy, a new ad) is tested by Google "
            "splitting the campaign's traffic 50/50 with a treatment copy."
        )
    else:
        design = choose_design(len(campaigns))
        kind = K.HOLDOUT if design.name == "HOLDOUT" else K.SWITCHBACK
        reason = design.reason
        if kind == K.SWITCHBACK:
            # A period's first `lag` days still carry the previous period's conversions and
            # are left out; each period must keep a week after them.
            lag = lag_days_of(account)
            period = max(period, lag + 7)
            reason += (
                f" Periods of {period} days; the first {lag} of each are left out while "
                "the previous period's conversions still arrive."
            )
        if len(campaigns) < 2:
            raise ServiceError(
                f"{len(campaigns)} running campaign(s) with conversion value in the last "
                f"{HISTORY_DAYS} complete days: an experiment needs at least two."
            )
    if days_seen < 14:
        raise ServiceError(
            f"Only {days_seen} complete days of conversion value for these campaigns: "
            "at least 14 are needed to know what the test can detect."
        )
    if kind == K.HOLDOUT:
        strata = holdout_strata(account=account, campaign_ids=[c.pk for c in campaigns])
        mde = _holdout_mde(values, plan.planned_days, strata, alpha, power)
    elif kind == K.SWITCHBACK:
        mde = _switchback_mde(values, plan.planned_days, period, alpha, power)
    else:
        daily = values[0]
        cv = float(daily.std(ddof=1) / daily.mean()) if daily.mean() > 0 else math.inf
        n = plan.planned_days
        mde = minimum_detectable_effect(cv=cv, n_treatment=n, n_control=n, alpha=alpha, power=power)
    if not math.isfinite(mde):
        raise ServiceError(
            f"These campaigns' conversion value is too erratic for a {plan.planned_days}-day "
            "test to detect any lift: run it longer or include more campaigns."
        )
    if mde > MDE_REFUSE:
        raise ServiceError(
            f"In {plan.planned_days} days this test could only detect a lift above "
            f"{mde:.0%} (limit {MDE_REFUSE:.0%}): run it longer or include more campaigns."
        )
    warnings = []
    if mde > MDE_WARN:
        warnings.append(
            f"It can only detect a lift of {mde:.0%} or more: smaller real gains will read "
            "as 'no effect'. Consider running longer."
        )
    if plan.metric != ExperimentMetric.CONVERSION_VALUE:
        warnings.append(
            f"The detectable effect above is planned on conversion value; the readouts measure "
            f"the change in {plan.metric.upper()} (a ratio of sums, with a jackknife interval), "
            "whose own detectable effect may differ."
        )
    warning = " ".join(warnings)
    with transaction.atomic():
        experiment = Experiment(
            account=account,
            kind=kind,
            name=plan.name,
            hypothesis=plan.hypothesis,
            metric=plan.metric,
            planned_days=plan.planned_days,
            alpha=plan.alpha,
            power=plan.power,
            mde=mde,
            planned_looks=plan.planned_looks,
            switchback_period_days=period,
            design_reason=reason,
            plan_warning=warning,
            planned_by=actor,
        )
        save_with_history(experiment, actor=actor, reason=f"Planned: MDE {mde:.1%}")
        ExperimentArm.objects.bulk_create(
            [
                ExperimentArm(experiment=experiment, name="control", is_control=True),
                ExperimentArm(experiment=experiment, name="treatment", is_control=False),
            ]
        )
        ExperimentUnit.objects.bulk_create(
            [ExperimentUnit(experiment=experiment, campaign=c) for c in campaigns]
        )
    return experiment
