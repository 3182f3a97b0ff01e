"""A switchback's readout re-draws whole schedules, keeping only the campaign-periods that
have counted days: a period still to come is not compared, yet."""

import datetime as dt

import numpy as np

import experiments.readout
from experiments.models import ExperimentKind
from experiments.services import experiment_readout
from tests.experiments.world import add_days, days_between, started


def test_the_readout_compares_the_counted_periods_against_re_drawn_schedules(alice, monkeypatch):
    experiment = started(alice.account, alice.analyst, alice.approver, n=6)
    assert experiment.kind == ExperimentKind.SWITCHBACK
    start = experiment.start_date
    add_days(experiment, days_between(start, start + dt.timedelta(days=27)))
    seen = {}
    sequential = experiments.readout.sequential_lift

    def recording(**kwargs):
        seen.update(kwargs)
        return sequential(**kwargs)

    monkeypatch.setattr(experiments.readout, "sequential_lift", recording)

    # Complete to the second weekly look: the second period's days are all inside its lag.
    readout = experiment_readout(experiment=experiment, today=start + dt.timedelta(days=22))

    units = list(experiment.units.order_by("pk"))
    periods = len(units[0].periods)
    assert periods >= 2 and readout.estimate is not None
    splits = seen["assignments"]
    # One column per campaign-period compared (the first period only), the observed
    # schedule's among them.
    assert splits.shape[1] == len(seen["arms"]) == len(units)
    counted = 1
    observed = np.array([u.periods[:counted] for u in units]).ravel()
    assert (seen["arms"] == observed.astype(bool)).all()
    # The re-drawn columns are schedules: each period has half the campaigns applied.
    by_period = splits.reshape(len(splits), len(units), counted).sum(axis=1)
    assert (by_period == len(units) // 2).all()
    assert seen.get("strata") is None
