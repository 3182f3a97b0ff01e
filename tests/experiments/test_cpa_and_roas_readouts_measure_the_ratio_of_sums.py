"""A CPA or ROAS experiment is read out on its own metric: the ratio of the arms' sums,
against the pre-period, with lower CPA (higher ROAS) the side that ships."""

import datetime as dt

import numpy as np

from experiments.selectors import unit_held_on
from experiments.services import experiment_readout
from tests.experiments.world import days_between, interval_covers, started
from tests.factories import make_daily_values


def add_ratio_days(experiment, days, *, value_lift=0.0, conversion_lift=0.0, seed=3):
    """Daily rows at each unit's pre-period means; treated units' value and conversions
    multiplied by 1 + the lifts (cost unchanged), each with its own noise."""
    rng = np.random.default_rng(seed)
    for unit in experiment.units.select_related("campaign", "arm"):
        base = list(unit.campaign.metrics.filter(date__lt=experiment.start_date))
        value = sum(float(m.conversion_value) for m in base) / len(base)
        spend = sum(float(m.spend) for m in base) / len(base)

        def treated(day, unit=unit):
            return not unit_held_on(unit, experiment, day)

        make_daily_values(
            unit.campaign,
            days,
            value=lambda d, v=value, t=treated: v * (1 + value_lift * t(d)) * rng.lognormal(0, 0.1),
            spend=lambda d, s=spend: s * rng.lognormal(0, 0.05),
            conversions=lambda d, t=treated: (
                10 * (1 + conversion_lift * t(d)) * rng.lognormal(0, 0.1)
            ),
        )


def read_at_the_end(experiment):
    start = experiment.start_date
    add_days = days_between(start, start + dt.timedelta(days=experiment.planned_days - 1))
    return add_days, start + dt.timedelta(days=experiment.planned_days + 10)


# 24 campaigns (12 pairs): with fewer, the design has too few distinct splits for a 5 %
# test spread over four looks to reject anything.


def test_more_conversions_for_the_same_cost_read_as_a_lower_cpa_and_ship(alice):
    experiment = started(alice.account, alice.analyst, alice.approver, metric="cpa", n=24)
    days, today = read_at_the_end(experiment)
    add_ratio_days(experiment, days, conversion_lift=0.25)  # CPA falls by 1 - 1/1.25 = 20 %

    readout = experiment_readout(experiment=experiment, today=today)

    assert readout.decision == "ship", readout.explanation
    assert interval_covers(readout, 1 / 1.25 - 1)
    assert abs(readout.estimate - (1 / 1.25 - 1)) < 0.06
    assert readout.explanation.startswith("CPA change -")


def test_a_higher_cpa_beyond_the_boundary_stops_the_experiment(alice):
    experiment = started(alice.account, alice.analyst, alice.approver, metric="cpa", n=24)
    days, today = read_at_the_end(experiment)
    add_ratio_days(experiment, days, conversion_lift=-0.25)  # CPA up by a third

    readout = experiment_readout(experiment=experiment, today=today)

    assert readout.decision == "stop", readout.explanation
    assert readout.estimate > 0.2
    assert "do worse" in readout.explanation


def test_roas_reads_the_value_per_cost_lift_not_the_value_lift(bob):
    experiment = started(bob.account, bob.analyst, bob.approver, metric="roas", n=24)
    days, today = read_at_the_end(experiment)
    # More value for the same cost: ROAS up 20 %. Fewer conversions must not matter to ROAS.
    add_ratio_days(experiment, days, value_lift=0.2, conversion_lift=-0.3)

    readout = experiment_readout(experiment=experiment, today=today)

    assert interval_covers(readout, 0.2)
    assert abs(readout.estimate - 0.2) < 0.06
    assert readout.explanation.startswith("ROAS lift +")
    assert readout.treatment_value > 0


def test_no_change_in_cpa_does_not_ship(alice):
    experiment = started(alice.account, alice.analyst, alice.approver, metric="cpa", n=24)
    days, today = read_at_the_end(experiment)
    add_ratio_days(experiment, days, value_lift=0.3)  # value is not what a CPA test measures

    readout = experiment_readout(experiment=experiment, today=today)

    assert readout.decision != "ship"
    assert interval_covers(readout, 0.0)
