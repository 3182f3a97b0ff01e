"""Minimum detectable effect and power of a relative lift between two arms of units.

`planned_power` and `planned_mde` are what the planner uses: they rehearse the readout
(randomization_lift's test) on history, splitting it as the design will, so the power
they promise is that readout's power. With few, unequal campaigns its spread is set by
how the biggest ones happen to pair, which no coefficient-of-variation formula sees. The
normal formulas below are the textbook approximation for many alike units.
"""

import numpy as np
from scipy import stats

from experiments.stats.randomization import design_splits, p_value_at, reference_for


def planned_power(
    *,
    effect: float,
    pre,
    post,
    strata,
    alpha: float = 0.05,
    splits: int = 400,
    draws: int = 1000,
    seed: int = 0,
) -> float:
    """Share of rehearsed experiments in which the readout finds a lift of `effect`.

    `pre` and `post` are two consecutive windows of history per campaign, as long as the
    planned pre-period and test; `strata` the design's strata for the campaigns. Each
    rehearsal splits history as the design would, multiplies the treated campaigns' second
    window by 1 + effect and runs the readout's own test on it. (A lift also widens the
    re-drawn splits' spread, which a formula on the A/A spread alone misses: on the
    sandbox it promised 80 % where the test had 67-87 %.)
    """
    observed = design_splits(strata, draws=splits, seed=seed)
    reference = design_splits(strata, draws=draws, seed=seed + 1)
    pre, post = np.asarray(pre, dtype=float), np.asarray(post, dtype=float)
    significant = 0
    for arms in observed:
        rehearsal = reference_for(
            pre=pre, posts=post * np.where(arms, 1 + effect, 1.0), arms=arms, assignments=reference
        )
        significant += p_value_at(rehearsal, 0.0, look=0) <= alpha
    return significant / splits


def planned_mde(
    *,
    pre,
    post,
    strata,
    alpha: float = 0.05,
    power: float = 0.8,
    splits: int = 400,
    draws: int = 1000,
    seed: int = 0,
) -> float:
    """Smallest relative lift the readout detects with `power`, rehearsed on history."""

    def enough(effect):
        return (
            planned_power(
                effect=effect,
                pre=pre,
                post=post,
                strata=strata,
                alpha=alpha,
                splits=splits,
                draws=draws,
                seed=seed,
            )
            >= power
        )

    low, high = 0.0, 0.05
    while not enough(high):
        low, high = high, high * 2
        if high > 10:
            raise ValueError("history this noisy leaves no lift detectable")
    while high - low > 1e-4:
        middle = (low + high) / 2
        low, high = (low, middle) if enough(middle) else (middle, high)
    return high


def unit_cv(unit_totals: np.ndarray, pre_totals: np.ndarray | None = None) -> float:
    """Coefficient of variation of what the estimate compares per unit.

    With a pre-period the estimate is a difference-in-differences, so what varies is
    each unit's post total once its pre total (scaled to the arm ratio) is taken out.
    """
    y = np.asarray(unit_totals, dtype=float)
    if pre_totals is None:
        return float(y.std(ddof=1) / y.mean())
    x = np.asarray(pre_totals, dtype=float)
    residual = y - x * (y.sum() / x.sum())
    return float(residual.std(ddof=1) / y.mean())


def minimum_detectable_effect(
    *, cv: float, n_treatment: int, n_control: int, alpha: float = 0.05, power: float = 0.8
) -> float:
    """Smallest relative lift detected with `power` by a two-sided test at `alpha`."""
    z = stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(power)
    return float(z * cv * np.sqrt(1 / n_treatment + 1 / n_control))


def power_at(
    *, effect: float, cv: float, n_treatment: int, n_control: int, alpha: float = 0.05
) -> float:
    """Probability that a two-sided test at `alpha` detects a relative lift `effect`."""
    se = cv * np.sqrt(1 / n_treatment + 1 / n_control)
    z = stats.norm.ppf(1 - alpha / 2)
    return float(stats.norm.sf(z - abs(effect) / se) + stats.norm.cdf(-z - abs(effect) / se))
