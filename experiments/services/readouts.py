"""A readout: one honest look at a running experiment.

- Only complete conversion windows count: the days still gathering conversions (the lag
  the optimiser measured) are left for a later look, or they would favour the arm whose
  changes came last.
- A declared seasonal event's days are left out of both arms and of the pre-period: in a
  switchback only some campaigns are treated on a given day, so an event would land on
  one arm; leaving its days out everywhere keeps the arms comparable in every design.
- The lift is a difference-in-differences against the pre-period, so arms that started
  unalike do not read as an effect.
- Looking early is allowed: each look is judged against the alpha-spending boundary for
  the information gathered so far, which keeps the false-positive rate at alpha overall.
- A sample-ratio check warns when units dropped out of one arm more than the other.
"""

import datetime as dt
from decimal import Decimal

import numpy as np
from django.apps import apps
from django.db import IntegrityError, transaction

from campaigns.account_time import account_today
from experiments.models import (
    Experiment,
    ExperimentKind,
    ExperimentStatus,
    Readout,
    ReadoutDecision,
)
from experiments.readout import estimate_lift
from experiments.selectors import daily_totals, lag_days_of, switchback_period
from experiments.stats.sequential import boundaries, nominal_alpha
from experiments.stats.srm import SRM_P_THRESHOLD, sample_ratio_p_value
from experiments.stats.windows import last_complete_day

D = ReadoutDecision


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


def _items(experiment, units, counted, pre_days, totals, lag):
    """(is_treatment, post total, pre total, days reporting, days counted) per unit — per
    campaign-period in a switchback, whose first `lag` days are dropped (the previous
    period's arm still drives them)."""

    def value(campaign_id, days):
        row = totals.get(campaign_id, {})
        return sum(row.get(d, (0.0,))[0] for d in days)

    def reporting(campaign_id, days):
        row = totals.get(campaign_id, {})
        return sum(1 for d in days if d in row)

    items, used = [], set()
    for unit in units:
        c = unit.campaign_id
        pre = value(c, pre_days)
        if experiment.kind != ExperimentKind.SWITCHBACK:
            treated = not unit.arm.is_control
            items.append((treated, value(c, counted), pre, reporting(c, counted), len(counted)))
            used.update(counted)
            continue
        per_day_pre = pre / len(pre_days) if pre_days else 0.0
        for k, arm in enumerate(unit.periods):
            days = [
                d
                for d in counted
                if switchback_period(experiment, d) == k
                and (d - experiment.start_date).days % experiment.switchback_period_days >= lag
            ]
            if days:
                items.append(
                    (
                        arm == 1,
                        value(c, days),
                        per_day_pre * len(days),
                        reporting(c, days),
                        len(days),
                    )
                )
                used.update(days)
    return items, used


def _boundary(experiment: Experiment, information: float) -> float:
    """The z boundary at this look, given the information of the earlier looks."""
    earlier = list(
        experiment.readouts.exclude(boundary_z=None)
        .order_by("look")
        .values_list("information", "boundary_z")
    )
    if earlier and information <= earlier[-1][0]:
        return earlier[-1][1]  # no new information since the last look: nothing to spend
    fractions = [f for f, _ in earlier] + [information]
    return float(boundaries(fractions, alpha=float(experiment.alpha))[-1])


def _srm(items) -> float | None:
    """Campaign-days reporting data per arm against the campaign-days each arm was given:
    campaigns that stop reporting in one arm more than the other unbalance the arms."""
    given = [sum(i[4] for i in items if i[0] == arm) for arm in (True, False)]
    reporting = [sum(i[3] for i in items if i[0] == arm) for arm in (True, False)]
    if min(given) == 0 or sum(reporting) == 0:
        return None
    return sample_ratio_p_value(reporting, given)


def experiment_readout(*, experiment: Experiment, today: dt.date | None = None) -> Readout:
    """Take today's look at a running experiment (at most one a day; safe to run twice)."""
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
    last = min(planned_last, last_complete_day(today=today, lag_days=lag))
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
    units = list(experiment.units.select_related("arm"))
    totals = daily_totals([u.campaign_id for u in units], pre_first, max(last, start))
    items, used = _items(experiment, units, counted, pre_days, totals, lag)
    fields["days_counted"] = len(used)
    treated = np.array([i[1:3] for i in items if i[0]], float).reshape(-1, 2)
    held = np.array([i[1:3] for i in items if not i[0]], float).reshape(-1, 2)
    waiting = _why_wait(treated, held, lag, counted)
    if waiting:
        return _append(fields, decision=D.WAIT, explanation=waiting)
    lift = estimate_lift(
        treatment=treated[:, 0],
        control=held[:, 0],
        treatment_pre=treated[:, 1],
        control_pre=held[:, 1],
        alpha=float(experiment.alpha),
        seed=experiment.seed or 0,
    )
    z = _boundary(experiment, information)
    must_beat = nominal_alpha(z)
    srm_p = _srm(items)
    decision, explanation = _decide(lift, must_beat, information, srm_p)
    return _append(
        fields,
        estimate=lift.estimate,
        low=lift.low,
        high=lift.high,
        p_value=lift.p_value,
        boundary_z=z,
        nominal_alpha=must_beat,
        srm_p=srm_p,
        treatment_value=Decimal(str(round(float(treated[:, 0].sum()), 2))),
        decision=decision,
        explanation=explanation,
    )


def _why_wait(treated, held, lag, counted) -> str:
    if not counted:
        return (
            f"No complete day yet: conversions take {lag} day(s) to come in, so the first "
            "days count once they are complete."
        )
    if len(treated) < 2 or len(held) < 2:
        return "Fewer than two units with complete days in an arm: not enough to estimate."
    if min(treated[:, 0].sum(), held[:, 0].sum(), treated[:, 1].sum(), held[:, 1].sum()) <= 0:
        return "An arm has no conversion value yet (or none before the start)."
    return ""


def _decide(lift, must_beat: float, information: float, srm_p: float | None):
    lifted = f"{lift.estimate:+.1%} (95 % interval {lift.low:+.1%} to {lift.high:+.1%})"
    if srm_p is not None and srm_p < SRM_P_THRESHOLD:
        return D.KEEP_RUNNING, (
            f"Lift {lifted}, but the arms no longer match their planned split (sample-ratio "
            f"p = {srm_p:.4f}): check which campaigns stopped reporting before deciding."
        )
    if lift.p_value < must_beat:
        if lift.estimate > 0:
            return D.SHIP, f"Lift {lifted} beats this look's boundary (p < {must_beat:.4f})."
        return D.STOP, f"Lift {lifted}: Spectra's changes do worse, beyond this look's boundary."
    if information >= 1:
        return D.STOP, f"Lift {lifted} at the planned end is not significant: stop."
    return D.KEEP_RUNNING, (
        f"Lift {lifted} does not beat this look's boundary (p must be below {must_beat:.4f} "
        f"with {information:.0%} of the planned days in): keep running."
    )


def _append(fields: dict, **values) -> Readout:
    experiment = fields["experiment"]
    try:
        with transaction.atomic():
            look = experiment.readouts.count() + 1
            return Readout.objects.create(look=look, **fields, **values)
    except IntegrityError:  # a second delivery of the same day's task got there first
        return experiment.readouts.get(as_of=fields["as_of"])
