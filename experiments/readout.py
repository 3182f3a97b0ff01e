"""The one door to the lift estimate: the readout service asks here, never the maths directly,
so the method can be swapped in one place.

The method is the randomisation readout (experiments/stats/lift.py): the observed split is
judged against the splits the experiment's own design could have drawn instead, which is
exact for few, unequal campaigns where a jackknife's intervals come out too narrow. Weekly
looks go through `sequential_lift`, which spends alpha over the planned looks so that a
lift declared at any look keeps its error rate; with one planned look it is exactly
`randomization_lift`.

CPA and ROAS are ratios of sums, which the randomisation readout's "multiply the treated
value" model does not describe; they go through `estimate_ratio_lift` (a jackknife over
buckets, as Google reports its experiments, on the same boundary).
"""

import numpy as np

from experiments.stats.randomization import rerandomize
from experiments.stats.ratio import RatioTotals, sequential_ratio_lift
from experiments.stats.sequential import SequentialReadout, sequential_lift

DRAWS = 2000  # re-drawn splits per readout: ~10 ms per look, p-values to ±0.005 at 5 %


def estimate_lift(
    *,
    pre: np.ndarray,
    posts: np.ndarray,
    arms: np.ndarray,
    fractions: tuple[float, ...],
    alpha: float,
    seed: int,
    strata: np.ndarray | None = None,
    assignments: np.ndarray | None = None,
) -> SequentialReadout:
    """Relative lift of treatment (`arms` 1) over control (0), difference-in-differences on
    the pre-period, at the last of the looks in `posts` (cumulative value per unit, one row
    per look taken) among the planned `fractions`. A holdout passes its `strata` (the pairs
    it was split within); a switchback its re-drawn schedules as `assignments`."""
    return sequential_lift(
        pre=pre,
        posts=posts,
        arms=arms,
        fractions=fractions,
        strata=strata,
        alpha=alpha,
        draws=DRAWS,
        seed=seed,
        assignments=assignments,
    )


def estimate_ratio_lift(
    *,
    totals: RatioTotals,
    arms: np.ndarray,
    fractions: tuple[float, ...],
    alpha: float,
    seed: int,
    groups: np.ndarray,
    strata: np.ndarray | None = None,
    assignments: np.ndarray | None = None,
) -> SequentialReadout:
    """Relative change in a ratio metric (CPA, ROAS) of treatment over control, DiD on the
    pre-period, at the last look in `totals` among the planned `fractions`: the ratio of
    sums per arm, its delete-one-bucket jackknife t judged against the design's re-drawn
    splits (within `strata`, or the `assignments` given) on the same alpha-spending
    boundary. `groups` leave a bucket together: a holdout's pairs, a switchback's campaign."""
    if assignments is None:
        assignments = rerandomize(arms, strata=strata, draws=DRAWS, seed=seed)
    return sequential_ratio_lift(
        totals,
        arms=arms,
        fractions=fractions,
        assignments=assignments,
        alpha=alpha,
        groups=groups,
        seed=seed,
    )
