"""Days still gathering conversions (the lag) are left for a later look."""

import datetime as dt

from experiments.services import experiment_readout
from tests.experiments.world import add_days, days_between, interval_covers, started


def test_days_inside_the_lag_do_not_count(alice):
    experiment = started(alice.account, alice.analyst, alice.approver)
    start = experiment.start_date
    # The policy's lag is 7 days: complete up to start + 13, the second weekly look.
    today = start + dt.timedelta(days=21)
    add_days(experiment, days_between(start, start + dt.timedelta(days=13)), lift=0.0)
    # The young days read as a huge lift (late conversions of one arm): they must not count.
    add_days(experiment, days_between(start + dt.timedelta(days=14), today), lift=3.0)

    readout = experiment_readout(experiment=experiment, today=today)

    assert readout.last_day == start + dt.timedelta(days=13)
    assert readout.days_counted == 14
    assert interval_covers(readout, 0.0)
    assert abs(readout.estimate) < 0.1


def test_before_any_day_is_complete_it_waits_and_says_why(alice):
    experiment = started(alice.account, alice.analyst, alice.approver)
    start = experiment.start_date
    add_days(experiment, days_between(start, start + dt.timedelta(days=3)), lift=1.0)

    readout = experiment_readout(experiment=experiment, today=start + dt.timedelta(days=4))

    assert readout.decision == "wait"
    assert readout.estimate is None
    assert "7 day(s) to come in" in readout.explanation


def test_a_second_readout_the_same_day_is_the_first(alice):
    experiment = started(alice.account, alice.analyst, alice.approver)
    start = experiment.start_date
    add_days(experiment, days_between(start, start + dt.timedelta(days=12)))
    today = start + dt.timedelta(days=20)

    first = experiment_readout(experiment=experiment, today=today)
    again = experiment_readout(experiment=experiment, today=today)

    assert again.pk == first.pk
    assert experiment.readouts.count() == 1
