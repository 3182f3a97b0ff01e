"""A readout: one honest look at a running experiment.

- Only complete conversion windows count: the days still gathering conversions (the lag
  the optimiser measured) are left for a later look, or they would favour the arm whose
  changes came last.
- A declared seasonal event's days are left out of both arms and of the pre-period: in a
  switchback only some campaigns are treated on a given day, so an event would land on
  one arm; leaving its days out everywhere keeps the arms comparable in every design.
- The lift is a difference-in-differences against the pre-period, so arms that started
  unalike do not read as an effect.
- Looking early is allowed: the readout stands at the latest planned look (weekly for a
  four-week test) and judges it against that look's alpha-spending boundary, under the
  design's own re-drawn splits, which keeps the false-positive rate at alpha overall; its
  interval is the repeated confidence interval, valid at every look at once.
- A sample-ratio check warns when units dropped out of one arm more than the other.
"""

import datetime as dt
import math
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

import numpy as np
from django.apps import apps
from django.db import IntegrityError, transaction

from campaigns.account_time import account_today
from experiments.models import (
    Experiment,
    ExperimentKind,
    ExperimentMetric,
    ExperimentStatus,
    Readout,
    ReadoutDecision,
)
from experiments.readout import DRAWS, estimate_lift, estimate_ratio_lift
from experiments.selectors import daily_totals, lag_days_of, switchback_period
from experiments.stats.assignment import switchback_splits
from experiments.stats.ratio import RatioTotals
from experiments.stats.sequential import boundaries, nominal_alpha
from experiments.stats.srm import SRM_P_THRESHOLD, sample_ratio_p_value
from experiments.stats.windows import last_complete_day

D = ReadoutDecision
M = ExperimentMetric
# Which of (conversion value, spend, conversions) each metric is: one total, or a ratio's
# numerator and denominator.
METRIC_PARTS = {M.CONVERSION_VALUE: [0], M.CPA: [1, 2], M.ROAS: [0, 1]}
# How each metric's change reads, and which way is better.
METRIC_WORDS = {
    M.CONVERSION_VALUE: ("Lift", 1),
    M.CPA: ("CPA change", -1),
    M.ROAS: ("ROAS lift", 1),
}


def _days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def event_days(experiment: Experiment, first: dt.date, last: dt.date) -> set[dt.date]:
    """Days of the organization's declared seasonal events within [first, last]."""
    # By name through the registry: experiments never import the optimiser.
    events = apps.get_model("optimizer", "SeasonalEvent").objects.filter(
        organization_id=experiment.account.organization_id,
        start_date__lte=last,
        end_date__gte=first,
    )
    days: set[dt.date] = set()
    for event in events:
        days.update(_days(max(first, event.start_date), min(last, event.end_date)))
    return days


@dataclass(frozen=True)
class _Cell:
    """What is compared: a campaign (holdout), or a campaign-period (switchback), whose first
    `lag` days are dropped (the previous period's arm still drives them)."""

    campaign_id: int
    column: int  # its column in the design's re-drawn splits
    treated: bool
    days: list  # the counted days that are its own


def _cells(experiment, units, counted, lag) -> list[_Cell]:
    if experiment.kind != ExperimentKind.SWITCHBACK:
        return [_Cell(u.campaign_id, i, not u.arm.is_control, counted) for i, u in enumerate(units)]
    cells = []
    periods = len(units[0].periods) if units else 0
    for i, unit in enumerate(units):
        for k, arm in enumerate(unit.periods):
            days = [
                d
                for d in counted
                if switchback_period(experiment, d) == k
                and (d - experiment.start_date).days % experiment.switchback_period_days >= lag
            ]
            if days:  # a period not yet counted is not compared (yet)
                cells.append(_Cell(unit.campaign_id, i * periods + k, arm == 1, days))
    return cells


def _look_days(experiment: Experiment) -> list[int]:
    """Days into the experiment at which each planned look falls (weekly for a 4-week test)."""
    looks = max(1, experiment.planned_looks)
    return [math.ceil(k * experiment.planned_days / looks) for k in range(1, looks + 1)]


def _srm(cells, totals) -> float | None:
    """Campaign-days reporting data per arm against the campaign-days each arm was given:
    campaigns that stop reporting in one arm more than the other unbalance the arms."""
    given = [sum(len(c.days) for c in cells if c.treated == arm) for arm in (True, False)]
    reporting = [
        sum(
            1
            for c in cells
            if c.treated == arm
            for d in c.days
            if d in totals.get(c.campaign_id, {})
        )
        for arm in (True, False)
    ]
    if min(given) == 0 or sum(reporting) == 0:
        return None
    return sample_ratio_p_value(reporting, given)


@lru_cache(maxsize=64)
def _z_boundaries(fractions: tuple, alpha: float) -> np.ndarray:
    return boundaries(fractions, alpha=alpha)


def experiment_readout(*, experiment: Experiment, today: dt.date | None = None) -> Readout:
    """Take today's look at a running experiment (at most one a day; safe to run twice).

    It stands at the latest planned look whose days are all complete: a look between the
    planned ones would spend alpha the plan did not budget for."""
    if experiment.kind == ExperimentKind.PROMPT:  # rates per ad group: its own readout
        from experiments.services.prompt_tests import prompt_test_readout

        return prompt_test_readout(experiment=experiment, today=today)
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
    pre_first = start - dt.timedelta(days=experiment.planned_days)
    excluded = event_days(experiment, pre_first, planned_last)
    counted = [d for d in _days(start, last) if d not in excluded] if last >= start else []
    pre_days = [d for d in _days(pre_first, start - dt.timedelta(days=1)) if d not in excluded]
    information = min(1.0, max(0, (last - start).days + 1) / experiment.planned_days)
    fields = dict(
        experiment=experiment,
        as_of=today,
        first_day=start,
        last_day=last if last >= start else None,
        days_excluded=sorted(d.isoformat() for d in excluded if start <= d <= planned_last),
        information=information,
    )
    units = list(experiment.units.select_related("arm").order_by("pk"))
    totals = daily_totals([u.campaign_id for u in units], pre_first, max(last, start))
    cells = _cells(experiment, units, counted, lag)
    fields["days_counted"] = len({d for c in cells for d in c.days})

    def sums(campaign_id, days) -> np.ndarray:  # (conversion value, spend, conversions)
        row = totals.get(campaign_id, {})
        picked = [row[d] for d in days if d in row]
        return np.array([[r[0], r[1], r[3]] for r in picked]).sum(0) if picked else np.zeros(3)

    arms = np.array([c.treated for c in cells], dtype=bool)
    if experiment.kind == ExperimentKind.SWITCHBACK:
        # A campaign-period's pre-period is its campaign's pre-period days, pro rata.
        per_day = {
            u.campaign_id: sums(u.campaign_id, pre_days) / max(1, len(pre_days)) for u in units
        }
        pre = np.array([per_day[c.campaign_id] * len(c.days) for c in cells], float)
    else:
        pre = np.array([sums(c.campaign_id, pre_days) for c in cells], float)
    pre = pre.reshape(len(cells), 3)
    parts = METRIC_PARTS[experiment.metric]
    # Cumulative totals per cell at each planned look reached; looks an arm has nothing
    # to measure at yet (a switchback's first days, all inside the lag) are not taken.
    looks, cuts, posts = [], [], []
    for k, n in enumerate(reached):
        cut = start + dt.timedelta(days=n - 1)
        row = np.array([sums(c.campaign_id, [d for d in c.days if d <= cut]) for c in cells])
        row = row.reshape(len(cells), 3)
        if row.size and all(row[arm][:, parts].sum(0).min() > 0 for arm in (arms, ~arms)):
            looks.append(k)
            cuts.append(cut)
            posts.append(row)
    waiting = _why_wait(arms, pre[:, parts], posts, lag, counted, look_days, reached)
    if waiting:
        return _append(fields, decision=D.WAIT, explanation=waiting)
    planned = tuple(n / experiment.planned_days for n in look_days)
    fractions = tuple(planned[k] for k in looks) + planned[len(reached) :]
    alpha = float(experiment.alpha)
    posts = np.array(posts)  # (looks, cells, 3)
    if len(parts) == 1:
        readout = estimate_lift(
            pre=pre[:, 0],
            posts=posts[:, :, 0],
            arms=arms,
            fractions=fractions,
            alpha=alpha,
            seed=experiment.seed or 0,
            **_design(experiment, units, cells),
        )
    else:
        try:
            readout = estimate_ratio_lift(
                totals=RatioTotals(
                    pre_numerator=pre[:, parts[0]],
                    pre_denominator=pre[:, parts[1]],
                    numerators=posts[:, :, parts[0]],
                    denominators=posts[:, :, parts[1]],
                ),
                arms=arms,
                fractions=fractions,
                alpha=alpha,
                seed=experiment.seed or 0,
                **_ratio_design(experiment, units, cells),
            )
        except ValueError as exc:  # too few campaigns left in a bucket to judge
            return _append(fields, decision=D.WAIT, explanation=f"Not enough to estimate: {exc}.")
    z = float(_z_boundaries(fractions, alpha)[readout.look])
    if readout.look < len(posts) - 1:
        # It stopped at an earlier look: what it reports is that look, whose verdict stands.
        stopped_at = cuts[readout.look]
        cells = [replace(c, days=[d for d in c.days if d <= stopped_at]) for c in cells]
        fields.update(
            last_day=stopped_at,
            days_counted=len({d for c in cells for d in c.days}),
            information=((stopped_at - start).days + 1) / experiment.planned_days,
        )
    srm_p = _srm(cells, totals)
    look = (looks[readout.look] + 1, len(look_days))
    decision, explanation = _decide(readout, nominal_alpha(z), look, srm_p, experiment.metric)
    lift = readout.lift
    return _append(
        fields,
        estimate=lift.estimate,
        low=_bounded(lift.low),
        high=_bounded(lift.high),
        p_value=lift.p_value,
        boundary_z=z,
        nominal_alpha=nominal_alpha(z),
        srm_p=srm_p,
        treatment_value=Decimal(str(round(float(posts[readout.look][arms, 0].sum()), 2))),
        decision=decision,
        explanation=explanation,
    )


def _design(experiment: Experiment, units, cells) -> dict:
    """How the readout re-draws the split: within the holdout's stored pairs, or over the
    schedules a switchback could have drawn (only the campaign-periods compared)."""
    if experiment.kind == ExperimentKind.SWITCHBACK:
        splits = switchback_splits(
            len(units), len(units[0].periods), draws=DRAWS, seed=experiment.seed or 0
        )
        return {"assignments": splits[:, [c.column for c in cells]]}
    by_campaign = {u.campaign_id: u.stratum for u in units}
    return {"strata": np.array([by_campaign[c.campaign_id] for c in cells])}


def _ratio_design(experiment: Experiment, units, cells) -> dict:
    """The value design, plus the groups the jackknife deletes together: a holdout's pairs
    (the split was drawn within them), a switchback's campaign (its periods correlate)."""
    design = _design(experiment, units, cells)
    if experiment.kind == ExperimentKind.SWITCHBACK:
        return {**design, "groups": np.array([c.campaign_id for c in cells])}
    return {**design, "groups": design["strata"]}


def _why_wait(arms, pre, posts, lag, counted, look_days, reached) -> str:
    if not counted:
        return (
            f"No complete day yet: conversions take {lag} day(s) to come in, so the first "
            "days count once they are complete."
        )
    if not reached:
        return (
            f"The first of {len(look_days)} planned looks is after {look_days[0]} complete "
            f"days; {len(counted)} are complete so far."
        )
    if arms.sum() < 2 or (~arms).sum() < 2:
        return "Fewer than two units with complete days in an arm: not enough to estimate."
    if not posts or min(pre[arm].sum(0).min() for arm in (arms, ~arms)) <= 0:
        return "An arm has nothing to measure yet (or had nothing before the start)."
    return ""


def _bounded(end: float) -> float | None:
    """An interval end, or None where the look cannot bound the lift yet (a very early
    look's boundary is stricter than the data can resolve): infinity is not a number a
    page, a chart or the API can show."""
    return end if math.isfinite(end) and end > -1 else None


def _decide(readout, must_beat: float, look: tuple[int, int], srm_p: float | None, metric):
    lift = readout.lift
    name, better = METRIC_WORDS[metric]
    low, high = _bounded(lift.low), _bounded(lift.high)
    ends = (
        "no bound" if low is None else f"{low:+.1%}",
        "no bound" if high is None else f"{high:+.1%}",
    )
    lifted = f"{name} {lift.estimate:+.1%} (95 % interval {ends[0]} to {ends[1]})"
    at = f"look {look[0]} of {look[1]}"
    if srm_p is not None and srm_p < SRM_P_THRESHOLD:
        return D.KEEP_RUNNING, (
            f"{lifted}, but the arms no longer match their planned split (sample-ratio "
            f"p = {srm_p:.4f}): check which campaigns stopped reporting before deciding."
        )
    if readout.stopped:
        if lift.estimate * better > 0:
            return D.SHIP, f"{lifted} crosses the boundary at {at} (p = {lift.p_value:.4f})."
        return D.STOP, f"{lifted}: Spectra's changes do worse, beyond the boundary at {at}."
    if look[0] == look[1]:
        return D.STOP, f"{lifted} at the planned end is not significant: stop."
    return D.KEEP_RUNNING, (
        f"{lifted} does not cross the boundary at {at} (an early look must be very "
        f"clear: p below about {must_beat:.4f}; here p = {lift.p_value:.4f}): keep running. "
        "The interval holds at every look, so reading it early is safe."
    )


def _append(fields: dict, **values) -> Readout:
    experiment = fields["experiment"]
    try:
        with transaction.atomic():
            look = experiment.readouts.count() + 1
            return Readout.objects.create(look=look, **fields, **values)
    except IntegrityError:  # a second delivery of the same day's task got there first
        return experiment.readouts.get(as_of=fields["as_of"])
