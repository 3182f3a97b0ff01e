import numpy as np

from experiments.stats.lift import randomization_lift
from experiments.stats.power import planned_mde, planned_power
from tests.experiments.holdouts import unequal_campaigns


def test_the_readout_detects_the_planned_mde_in_about_80_percent_of_splits():
    # Planned on the test's own weeks, so what is checked is that the planner's power is
    # the readout's power, not how well history predicts the future.
    holdout = unequal_campaigns(seed=5)
    during = holdout.weeks.sum(axis=0)
    mde = planned_mde(
        pre=holdout.pre, post=during, strata=holdout.strata, splits=200, draws=400, seed=1
    )
    detected = []
    for rep in range(300):
        arms, looks = holdout.split(seed=rep, lift=mde)
        lift = randomization_lift(
            pre=holdout.pre, post=looks[-1], arms=arms, strata=holdout.strata, draws=400, seed=rep
        )
        detected.append(lift.p_value <= 0.05)
    assert 0.72 <= np.mean(detected) <= 0.88


def test_with_no_lift_the_planner_promises_only_the_false_positive_rate():
    holdout = unequal_campaigns(seed=6)
    power = planned_power(
        effect=0.0, pre=holdout.history, post=holdout.pre, strata=holdout.strata, splits=300
    )
    assert power <= 0.08
