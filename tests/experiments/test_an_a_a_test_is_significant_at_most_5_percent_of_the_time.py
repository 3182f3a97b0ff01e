import itertools

import numpy as np

from experiments.stats.lift import randomization_lift
from experiments.stats.randomization import p_value_at, reference_for
from tests.experiments.holdouts import unequal_campaigns


def _every_split(strata):
    """All splits a pair design can make: one of each pair in treatment, every way."""
    pairs = [np.flatnonzero(strata == s) for s in np.unique(strata)]
    splits = []
    for flips in itertools.product((0, 1), repeat=len(pairs)):
        arms = np.zeros(strata.size, dtype=int)
        for pair, flip in zip(pairs, flips, strict=True):
            arms[pair[flip]] = 1
        splits.append(arms)
    return np.array(splits)


def test_over_every_split_the_design_can_make_at_most_5_percent_are_significant():
    # 16 campaigns, one with a fifth of the value: 256 possible splits, all of them judged
    # against all of them. The randomisation test is exact, so no more than 5 % may reject.
    holdout = unequal_campaigns(seed=4, campaigns=16)
    splits = _every_split(holdout.strata)
    post = np.cumsum(holdout.weeks, axis=0)[-1]
    # The test alone (randomization_lift's p-value, without the interval it also inverts).
    significant = [
        p_value_at(
            reference_for(pre=holdout.pre, posts=post, arms=arms, assignments=splits), 0.0, 0
        )
        <= 0.05
        for arms in splits
    ]
    assert len(splits) == 256
    # Exact: at most floor(0.05 * 257) of 256 splits, and the test is not idle either.
    assert 0.03 <= np.mean(significant) <= 12 / 256


def test_re_splitting_an_unequal_account_keeps_the_false_positive_rate_near_5_percent():
    holdout = unequal_campaigns(seed=1)
    significant = []
    for rep in range(300):
        arms, looks = holdout.split(seed=rep)
        lift = randomization_lift(
            pre=holdout.pre, post=looks[-1], arms=arms, strata=holdout.strata, draws=400, seed=rep
        )
        significant.append(lift.p_value <= 0.05)
    # 300 A/A tests read 5 % +- 1.3 %.
    assert 0.02 <= np.mean(significant) <= 0.08
