"""A small world for experiment services: an account's campaigns with known daily value.

Each campaign has its own size and day-to-day noise (seeded), so arms differ the way
real campaigns do; `lift` multiplies the treatment campaigns' value from the start.
"""

import datetime as dt

import numpy as np

from campaigns.account_time import account_today
from experiments.models import Experiment
from experiments.services import ExperimentPlan, experiment_plan, experiment_start
from tests.factories import make_campaign, make_daily_values


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=i) for i in range((last - first).days + 1)]


def campaigns_with_history(account, n: int, *, days: int = 56, seed: int = 1, noise=0.1):
    """`n` campaigns with `days` complete days of value before today (account time)."""
    rng = np.random.default_rng(seed)
    today = account_today(account)
    campaigns = []
    for i in range(n):
        campaign = make_campaign(account, name=f"{account.name} c{i}")
        size = float(rng.uniform(5000, 20000))
        history = days_between(today - dt.timedelta(days=days), today - dt.timedelta(days=1))
        draws = {d: size * float(rng.lognormal(0, noise)) for d in history}
        make_daily_values(campaign, history, value=draws.get, spend=size / 4)
        campaigns.append(campaign)
    return campaigns


def planned(account, actor, *, days=28, n=12, **kw) -> Experiment:
    """A planned holdout (a switchback under 12 campaigns) over `n` campaigns with history."""
    campaigns_with_history(account, n)
    return experiment_plan(
        plan=ExperimentPlan(account=account, name="Holdout Q4", planned_days=days, **kw),
        actor=actor,
    )


def started(account, planner, approver, **kw) -> Experiment:
    """Planned and started today, with a fixed assignment seed."""
    return experiment_start(experiment=planned(account, planner, **kw), actor=approver, seed=7)


def add_days(experiment: Experiment, days, *, lift=0.0, seed=3, noise=0.1):
    """Daily value on `days` for every unit: its pre-period mean, noise, and `lift` for
    units in treatment (by arm, or by switchback period)."""
    from experiments.selectors import unit_held_on

    rng = np.random.default_rng(seed)
    for unit in experiment.units.select_related("campaign", "arm"):
        base = unit.campaign.metrics.filter(date__lt=experiment.start_date)
        mean = sum(float(m.conversion_value) for m in base) / max(1, base.count())

        def value(day, unit=unit, mean=mean):
            held = unit_held_on(unit, experiment, day)
            return mean * (1 if held else 1 + lift) * float(rng.lognormal(0, noise))

        make_daily_values(unit.campaign, days, value=value, spend=mean / 4)


def interval_covers(readout, lift: float) -> bool:
    """The readout's interval holds `lift`; a missing end is open (an early look, or too few
    campaigns, can leave the lift unbounded on that side)."""
    return (readout.low is None or readout.low < lift) and (
        readout.high is None or lift < readout.high
    )
