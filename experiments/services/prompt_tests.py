"""Prompt and ad-variant tests: two versions of one prompt, split over launches.

Each new launch's copy is written by one of the two published versions (creative picks it
at random per campaign by their traffic shares and records it on every asset); the units
compared are the deployed ad groups, because impressions within an ad group are
correlated. Outcomes are rates per ad group arm (CTR, conversion rate, value per click)
read from the synced ad-group metrics, only over complete conversion windows, judged at
the plan's alpha-spending boundaries like every other readout.

Whether the versions exist and are live is creative's to say: spectra.prompt_tests checks
that and then calls these services with their ids.
"""

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
from django.db import IntegrityError, transaction

from campaigns.account_time import account_today
from campaigns.auth import authorize
from campaigns.models import AdAccount
from campaigns.services.errors import ServiceError
from campaigns.services.history import save_with_history
from experiments.models import (
    Experiment,
    ExperimentArm,
    ExperimentKind,
    ExperimentMetric,
    ExperimentStatus,
    Readout,
    ReadoutDecision,
)
from experiments.prompt_units import (
    PROMPT_METRICS,
    RATE_OF,
    account_ad_group_totals,
    ad_group_daily,
    prompt_test_units,
)
from experiments.selectors import lag_days_of
from experiments.services.plan import HISTORY_DAYS, MDE_REFUSE, MDE_WARN
from experiments.services.readouts import event_days
from experiments.services.start import experiment_start
from experiments.stats.power import unit_cv
from experiments.stats.proportions import ratio_mde, sequential_ratio_lift
from experiments.stats.sequential import nominal_alpha
from experiments.stats.srm import SRM_P_THRESHOLD, sample_ratio_p_value
from experiments.stats.windows import last_complete_day

D = ReadoutDecision


@dataclass
class PromptTestPlan:
    account: AdAccount
    name: str
    prompt_name: str
    control_version_id: int  # the version live now
    treatment_version_id: int  # the candidate
    planned_days: int
    metric: str = ExperimentMetric.CTR
    hypothesis: str = ""
    alpha: Decimal = Decimal("0.050")
    power: Decimal = Decimal("0.800")
    planned_looks: int = 4
    expected_ad_groups: int | None = None  # both arms; None: as many as had traffic lately


def _rate_cv(account, metric: str, days: int) -> tuple[float, int]:
    """The spread of the metric's rate over the account's recent ad groups (as the ratio
    estimator sees it), over a window as long as the test, and how many had traffic."""
    last = last_complete_day(today=account_today(account), lag_days=lag_days_of(account))
    first = last - dt.timedelta(days=min(days, HISTORY_DAYS) - 1)
    numerator, denominator = RATE_OF[metric]
    totals = [t for t in account_ad_group_totals(account, first, last).values() if t[denominator]]
    if len(totals) < 4:
        raise ServiceError(
            f"{len(totals)} ad group(s) of this account had traffic in the last {days} complete "
            "days: at least four are needed to know what a prompt test can detect."
        )
    y = np.array([t[numerator] for t in totals])
    x = np.array([t[denominator] for t in totals])
    if y.sum() <= 0:
        raise ServiceError(f"No {metric.replace('_', ' ')} events lately: nothing to compare.")
    return unit_cv(y, x), len(totals)


def prompt_test_plan(*, plan: PromptTestPlan, actor) -> Experiment:
    """Plan a prompt test (analyst): the MDE of the rate for the expected ad groups per arm
    (refused above 30 %, warned above 15 %), recorded PLANNED with one arm per version."""
    account = plan.account
    authorize(actor, "experiments.plan_experiment", account)
    if plan.metric not in PROMPT_METRICS:
        raise ServiceError("A prompt test compares CTR, conversion rate or value per click.")
    if plan.control_version_id == plan.treatment_version_id:
        raise ServiceError("A prompt test compares two different versions.")
    if plan.planned_days < 7:
        raise ServiceError("Run an experiment at least 7 days: weekdays differ.")
    busy = Experiment.objects.filter(
        account=account,
        kind=ExperimentKind.PROMPT,
        prompt_name=plan.prompt_name,
        status__in=[ExperimentStatus.PLANNED, ExperimentStatus.RUNNING],
    )
    if busy.exists():
        raise ServiceError(f"This account already has a prompt test of {plan.prompt_name!r}.")
    cv, seen = _rate_cv(account, plan.metric, plan.planned_days)
    groups = plan.expected_ad_groups or seen
    per_arm = groups // 2
    if per_arm < 2:
        raise ServiceError("A prompt test needs at least two ad groups in each arm.")
    mde = ratio_mde(
        cv=cv,
        n_treatment=per_arm,
        n_control=per_arm,
        alpha=float(plan.alpha),
        power=float(plan.power),
    )
    label = ExperimentMetric(plan.metric).label.lower()
    if not math.isfinite(mde) or mde > MDE_REFUSE:
        raise ServiceError(
            f"With {per_arm} ad groups per arm this test could only detect a lift in "
            f"{label} above {mde:.0%} (limit {MDE_REFUSE:.0%}): run it over more launches."
        )
    warning = ""
    if mde > MDE_WARN:
        warning = (
            f"It can only detect a lift in {label} of {mde:.0%} or more: smaller real gains "
            "will read as 'no effect'."
        )
    reason = (
        f"Split over launches: each new launch's copy is written by version A or B at random "
        f"and recorded on its assets; the units are its deployed ad groups (about {per_arm} "
        f"per arm expected), since impressions within an ad group move together."
    )
    with transaction.atomic():
        experiment = Experiment(
            account=account,
            kind=ExperimentKind.PROMPT,
            name=plan.name,
            hypothesis=plan.hypothesis,
            metric=plan.metric,
            planned_days=plan.planned_days,
            alpha=plan.alpha,
            power=plan.power,
            mde=mde,
            planned_looks=plan.planned_looks,
            design_reason=reason,
            plan_warning=warning,
            prompt_name=plan.prompt_name,
            planned_by=actor,
        )
        save_with_history(experiment, actor=actor, reason=f"Planned: MDE {mde:.1%}")
        ExperimentArm.objects.bulk_create(
            [
                ExperimentArm(
                    experiment=experiment,
                    name="control",
                    is_control=True,
                    prompt_version_id=plan.control_version_id,
                ),
                ExperimentArm(
                    experiment=experiment,
                    name="treatment",
                    is_control=False,
                    prompt_version_id=plan.treatment_version_id,
                ),
            ]
        )
    return experiment


def prompt_test_start(
    *, experiment: Experiment, actor, shares: tuple[int, int], seed: int | None = None
) -> Experiment:
    """Start a prompt test (approver): the arms record the live traffic shares of their
    versions (control, treatment), which the sample-ratio check expects."""
    if experiment.kind != ExperimentKind.PROMPT:
        raise ServiceError("Not a prompt test.")
    with transaction.atomic():
        started = experiment_start(experiment=experiment, actor=actor, seed=seed)
        for arm in started.arms.all():
            arm.traffic_share = shares[0] if arm.is_control else shares[1]
            arm.save(update_fields=["traffic_share"])
    return started


def _look_days(experiment: Experiment) -> list[int]:
    looks = max(1, experiment.planned_looks)
    return [math.ceil(k * experiment.planned_days / looks) for k in range(1, looks + 1)]


def prompt_test_readout(*, experiment: Experiment, today: dt.date | None = None) -> Readout:
    """Today's look at a running prompt test (at most one a day; safe to run twice)."""
    account = experiment.account
    today = today or account_today(account)
    existing = experiment.readouts.filter(as_of=today).first()
    if existing is not None:
        return existing
    if experiment.status != ExperimentStatus.RUNNING or experiment.start_date is None:
        raise ValueError(f"experiment {experiment.pk} is not running")
    lag = lag_days_of(account)
    start = experiment.start_date
    planned_last = start + dt.timedelta(days=experiment.planned_days - 1)
    complete = min(planned_last, last_complete_day(today=today, lag_days=lag))
    look_days = _look_days(experiment)
    reached = [n for n in look_days if start + dt.timedelta(days=n - 1) <= complete]
    last = start + dt.timedelta(days=reached[-1] - 1) if reached else complete
    excluded = event_days(experiment, start, planned_last)
    counted = [
        start + dt.timedelta(days=i)
        for i in range(max(0, (last - start).days + 1))
        if start + dt.timedelta(days=i) not in excluded
    ]
    fields = dict(
        experiment=experiment,
        as_of=today,
        first_day=start,
        last_day=last if last >= start else None,
        days_counted=len(counted),
        days_excluded=sorted(d.isoformat() for d in excluded),
        information=min(1.0, max(0, (last - start).days + 1) / experiment.planned_days),
    )
    if not reached:
        return _append(
            fields,
            decision=D.WAIT,
            explanation=(
                f"The first of {len(look_days)} planned looks is after {look_days[0]} complete "
                f"days (conversions take {lag} day(s) to come in); {len(counted)} so far."
            ),
        )
    units = prompt_test_units(experiment, experiment.started_at)
    groups = sorted(units.treated)
    treated = np.array([units.treated[g] for g in groups], dtype=bool)
    daily = ad_group_daily(groups, start, last)
    numerator, denominator = RATE_OF[experiment.metric]

    def totals(column, cut):
        return np.array(
            [
                sum(v[column] for d, v in daily.get(g, {}).items() if d <= cut and d in counted)
                for g in groups
            ]
        )

    looks, cuts, taken = [], [], []
    for k, n in enumerate(reached):
        cut = start + dt.timedelta(days=n - 1)
        num, den = totals(numerator, cut), totals(denominator, cut)
        active = den > 0
        arms = treated[active]
        if arms.sum() >= 2 and (~arms).sum() >= 2 and num[active].sum() > 0:
            looks.append((num[active], den[active], arms))
            cuts.append(cut)
            taken.append(k)
    mixed = f" {units.mixed} ad group(s) mixing both versions are left out." if units.mixed else ""
    if not looks:
        return _append(
            fields,
            decision=D.KEEP_RUNNING,
            explanation="Fewer than two ad groups with traffic in an arm so far: keep running."
            + mixed,
        )
    planned = tuple(n / experiment.planned_days for n in look_days)
    fractions = tuple(planned[k] for k in taken) + planned[len(reached) :]
    result = sequential_ratio_lift(looks=looks, fractions=fractions, alpha=float(experiment.alpha))
    _, _, arms = looks[result.look]
    shares = {a.is_control: a.traffic_share for a in experiment.arms.all()}
    srm_p = sample_ratio_p_value(
        [int(arms.sum()), int((~arms).sum())], [shares[False], shares[True]]
    )
    value = totals("conversion_value", cuts[result.look])[treated].sum()
    fields["last_day"] = cuts[result.look]
    look = (taken[result.look] + 1, len(look_days))
    decision, explanation = _decide(experiment, result, srm_p, look)
    lift = result.lift
    return _append(
        fields,
        estimate=lift.estimate,
        low=lift.low if lift.low > -1 else None,
        high=lift.high if math.isfinite(lift.high) else None,
        p_value=lift.p_value,
        boundary_z=result.boundary_z,
        nominal_alpha=nominal_alpha(result.boundary_z),
        srm_p=srm_p,
        treatment_value=Decimal(str(round(float(value), 2))),
        decision=decision,
        explanation=explanation + mixed,
    )


def _decide(experiment, result, srm_p, look):
    lift = result.lift
    label = ExperimentMetric(experiment.metric).label.lower()
    said = f"{label} {lift.estimate:+.1%} (interval {lift.low:+.1%} to {lift.high:+.1%})"
    at = f"look {look[0]} of {look[1]}"
    if srm_p < SRM_P_THRESHOLD:
        return D.KEEP_RUNNING, (
            f"Treatment's {said}, but the arms' ad groups do not match the traffic split "
            f"(sample-ratio p = {srm_p:.4f}): check how launches were assigned before deciding."
        )
    if result.stopped and lift.estimate > 0:
        return D.SHIP, f"The candidate's {said} crosses the boundary at {at}: ship it."
    if result.stopped:
        return D.STOP, f"The candidate's {said} is worse, beyond the boundary at {at}: stop."
    if look[0] == look[1]:
        return D.STOP, f"The candidate's {said} at the planned end is not significant: stop."
    return D.KEEP_RUNNING, (
        f"The candidate's {said} does not cross the boundary at {at} "
        f"(p = {lift.p_value:.4f}): keep running."
    )


def _append(fields: dict, **values) -> Readout:
    experiment = fields["experiment"]
    try:
        with transaction.atomic():
            look = experiment.readouts.count() + 1
            return Readout.objects.create(look=look, **fields, **values)
    except IntegrityError:  # a second delivery of the same day's task got there first
        return experiment.readouts.get(as_of=fields["as_of"])
