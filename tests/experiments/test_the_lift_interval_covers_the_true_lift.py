import numpy as np
import pytest

from experiments.stats.lift import randomization_lift
from tests.experiments.holdouts import unequal_campaigns


def _readout(holdout, arms, post, seed=0):
    return randomization_lift(
        pre=holdout.pre, post=post, arms=arms, strata=holdout.strata, draws=400, seed=seed
    )


def test_the_interval_covers_a_true_10_percent_lift_about_95_percent_of_the_time():
    # One campaign holds a fifth of the value: the case where the jackknife fell to 81 %.
    holdout = unequal_campaigns(seed=2)
    covered = []
    for rep in range(300):
        arms, looks = holdout.split(seed=rep, lift=0.10)
        lift = _readout(holdout, arms, looks[-1], seed=rep)
        covered.append(lift.low <= 0.10 <= lift.high)
    assert 0.92 <= np.mean(covered) <= 0.98


def test_the_interval_excludes_no_lift_exactly_when_the_p_value_is_below_5_percent():
    holdout = unequal_campaigns(seed=3)
    agree = []
    for rep in range(40):
        arms, looks = holdout.split(seed=rep, lift=0.08)
        lift = _readout(holdout, arms, looks[-1], seed=rep)
        assert lift.low < lift.estimate < lift.high
        agree.append((lift.low > 0 or lift.high < 0) == (lift.p_value <= 0.05))
    assert all(agree)


def test_the_did_estimate_recovers_a_known_lift_exactly_without_noise():
    size = np.arange(1.0, 21.0)
    arms = np.tile([1, 0], 10)
    strata = np.repeat(np.arange(10), 2)
    lift = randomization_lift(
        pre=size, post=size * np.where(arms == 1, 1.2, 1.0), arms=arms, strata=strata
    )
    assert lift.estimate == pytest.approx(0.2, abs=1e-12)
    assert lift.low == pytest.approx(0.2, abs=1e-4) and lift.high == pytest.approx(0.2, abs=1e-4)


def test_the_did_absorbs_an_arm_that_started_bigger():
    # Treatment got the bigger campaigns: comparing post totals alone would call it +100 %.
    pre = np.array([200.0, 100, 220, 110, 180, 90, 210, 105, 190, 95])
    arms = np.array([1, 0] * 5)
    post = pre * np.where(arms == 1, 1.05, 1.0) * (1 + 0.01 * np.sin(np.arange(10)))
    lift = randomization_lift(pre=pre, post=post, arms=arms, strata=np.repeat(np.arange(5), 2))
    assert lift.estimate == pytest.approx(0.05, abs=0.02)
