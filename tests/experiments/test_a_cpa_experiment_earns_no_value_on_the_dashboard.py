"""A CPA change is not a lift in value: "what Spectra earned you" does not count it as one."""

import datetime as dt

from experiments.earnings import measured_lift_by_month
from experiments.services import experiment_readout
from tests.experiments.test_cpa_and_roas_readouts_measure_the_ratio_of_sums import (
    add_ratio_days,
)
from tests.experiments.world import days_between, started


def test_a_cpa_readout_adds_nothing_to_the_measured_lift(alice):
    experiment = started(alice.account, alice.analyst, alice.approver, metric="cpa", n=24)
    start = experiment.start_date
    days = days_between(start, start + dt.timedelta(days=27))
    add_ratio_days(experiment, days, conversion_lift=0.25)
    readout = experiment_readout(experiment=experiment, today=start + dt.timedelta(days=40))
    assert readout.estimate < 0 and readout.low is not None and readout.high is not None

    assert measured_lift_by_month([alice.org.pk]) == []
